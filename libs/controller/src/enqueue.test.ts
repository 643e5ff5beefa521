import type { ApiObject, OwnerReference } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { enqueueMapped, enqueueObject, enqueueOwner } from "./enqueue.js";

function child(namespace: string | undefined, ...ownerReferences: OwnerReference[]): ApiObject {
  return { metadata: { name: "child", namespace, ownerReferences } };
}

const ref = (kind: string, name: string, apiVersion: string, controller?: boolean): OwnerReference => ({
  kind,
  name,
  apiVersion,
  uid: `uid-${name}`,
  controller,
});

describe("enqueue helpers", () => {
  it("enqueueObject maps an object to its own key", () => {
    expect(enqueueObject()(child("ns"))).toEqual(["ns/child"]);
    expect(enqueueObject()(child(undefined))).toEqual(["child"]);
  });

  it("enqueueOwner maps to the controlling owner of the kind, in the object's namespace", () => {
    const mapper = enqueueOwner("Network", "networking.ironcore.dev/v1alpha1");
    const obj = child(
      "ns",
      ref("Network", "plain-owner", "networking.ironcore.dev/v1alpha1"),
      ref("Network", "net", "networking.ironcore.dev/v1beta1", true),
    );
    // Another version of the same group is the same owner.
    expect(mapper(obj)).toEqual(["ns/net"]);
    expect(mapper(child("ns", ref("Network", "x", "networking.ironcore.dev/v1alpha1")))).toEqual([]);
    expect(mapper(child("ns", ref("Network", "x", "core.apinet.ironcore.dev/v1alpha1", true)))).toEqual([]);
    expect(mapper(child("ns", ref("Machine", "x", "networking.ironcore.dev/v1alpha1", true)))).toEqual([]);
    expect(mapper(child("ns"))).toEqual([]);
    // Without an apiVersion, any group will do.
    expect(enqueueOwner("Network")(child(undefined, ref("Network", "g", "other.dev/v1", true)))).toEqual([
      "g",
    ]);
  });

  it("enqueueMapped accepts one key, several or none", () => {
    expect(enqueueMapped(() => "k")(child("ns"))).toEqual(["k"]);
    expect(enqueueMapped(() => ["a", "b"])(child("ns"))).toEqual(["a", "b"]);
    expect(enqueueMapped(() => undefined)(child("ns"))).toEqual([]);
    expect(enqueueMapped(() => null)(child("ns"))).toEqual([]);
  });
});
