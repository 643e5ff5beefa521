import { describe, expect, it } from "vitest";
import type { ApinetNetworkObject, NetworkObject, PrefixObject } from "./kinds.js";
import { desiredApinetPeerings, peeringPrefixes, peeringStatuses } from "./networkReconciler.js";

const net = (
  peerings: NonNullable<NetworkObject["spec"]>["peerings"],
  incoming: NonNullable<NetworkObject["spec"]>["incomingPeerings"] = [],
): NetworkObject => ({
  metadata: { namespace: "default", name: "a", uid: "uid-a" },
  spec: { peerings, incomingPeerings: incoming },
});
const apinet = (uid: string, id: string, extra: Partial<ApinetNetworkObject> = {}): ApinetNetworkObject => ({
  metadata: { namespace: "ns", name: uid, uid: `apinet-${uid}` },
  spec: { id },
  ...extra,
});

describe("network peerings", () => {
  it("maps incoming peerings to apinet peerings with the peer's VNI", () => {
    const a = net(
      [
        { name: "to-b", networkRef: { name: "b" } },
        { name: "to-c", networkRef: { namespace: "other", name: "c" } },
      ],
      [
        { namespace: "default", name: "b", uid: "uid-b" },
        { namespace: "other", name: "c", uid: "uid-c" },
      ],
    );
    const peers = new Map([
      ["uid-b", apinet("uid-b", "300")],
      ["uid-c", apinet("uid-c", "301")],
    ]);
    expect(
      desiredApinetPeerings(
        a,
        (uid) => peers.get(uid),
        () => undefined,
      ),
    ).toEqual([
      { name: "to-b", id: "300" },
      { name: "to-c", id: "301" },
    ]);
  });

  it("skips a peer whose apinet network is not there yet and keeps going (upstream stops: quirk)", () => {
    const a = net(
      [
        { name: "to-b", networkRef: { name: "b" } },
        { name: "to-c", networkRef: { name: "c" } },
      ],
      [
        { namespace: "default", name: "b", uid: "uid-b" },
        { namespace: "default", name: "c", uid: "uid-c" },
      ],
    );
    const peers = new Map([["uid-c", apinet("uid-c", "301")]]);
    expect(
      desiredApinetPeerings(
        a,
        (uid) => peers.get(uid),
        () => undefined,
      ),
    ).toEqual([{ name: "to-c", id: "301" }]);
  });

  it("resolves literal and Allocated ipam prefixes; holds back a peering none of whose prefixes resolve", () => {
    const allocated: PrefixObject = {
      metadata: { namespace: "default", name: "pf" },
      spec: { prefix: "10.1.0.0/16" },
      status: { phase: "Allocated" },
    };
    const pending: PrefixObject = {
      metadata: { namespace: "default", name: "pending" },
      spec: {},
      status: { phase: "Pending" },
    };
    const prefixes = new Map([
      ["default/pf", allocated],
      ["default/pending", pending],
    ]);
    const lookup = (k: string) => prefixes.get(k);
    const a = net([]);
    expect(
      peeringPrefixes(
        a,
        {
          name: "p",
          prefixes: [
            { name: "lit", prefix: "10.0.0.0/24" },
            { name: "ref", prefixRef: { name: "pf" } },
          ],
        },
        lookup,
      ),
    ).toEqual([
      { name: "lit", prefix: "10.0.0.0/24" },
      { name: "ref", prefix: "10.1.0.0/16" },
    ]);
    expect(
      peeringPrefixes(a, { name: "p", prefixes: [{ name: "ref", prefixRef: { name: "pending" } }] }, lookup),
    ).toBeUndefined();
    expect(peeringPrefixes(a, { name: "p" }, lookup)).toEqual([]);
  });

  it("reports Ready for applied peerings, Pending otherwise, and what partitions report", () => {
    const a = net([
      { name: "to-b", networkRef: { name: "b" } },
      { name: "to-c", networkRef: { name: "c" } },
      { name: "to-d", networkRef: { name: "d" } },
    ]);
    const applied = apinet("uid-a", "200", {
      spec: {
        id: "200",
        peerings: [
          { name: "to-b", id: "300", prefixes: [{ name: "x", prefix: "10.0.0.0/24" }] },
          { name: "to-d", id: "302" },
        ],
      },
      status: { peerings: { "partition-1": [{ id: 302, state: "Error" }] } },
    });
    expect(peeringStatuses(a, applied)).toEqual([
      { name: "to-b", state: "Ready", prefixes: [{ name: "x", prefix: "10.0.0.0/24" }] },
      { name: "to-c", state: "Pending" },
      { name: "to-d", state: "Error" },
    ]);
  });
});
