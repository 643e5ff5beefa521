import { describe, expect, it } from "vitest";
import { type NetworkObject, networkRules, parseVNI } from "./network.js";
import { type NetworkIDObject, networkIDRules } from "./networkId.js";
import { admit, admitUpdate, object, problems } from "./testdata.js";

const net = (spec: NetworkObject["spec"] = {}) => object<NetworkObject>("Network", "n1", { spec });

describe("Network", () => {
  it("accepts a network with peerings and writes IDs and prefixes canonically", () => {
    const obj = net({
      id: "0200",
      peerings: [{ name: "p", id: "+300", prefixes: [{ name: "a", prefix: "10.0.0.0/8" }] }],
    });
    expect(admit(networkRules, obj)).toEqual([]);
    expect(obj.spec?.id).toBe("200");
    expect(obj.spec?.peerings?.[0]?.id).toBe("300");
  });

  it("reads VNIs like strconv.ParseInt(s, 10, 32)", () => {
    expect(parseVNI("4711")).toBe(4711);
    expect(parseVNI("-1")).toBe(-1);
    expect(parseVNI("2147483648")).toBeUndefined();
    expect(parseVNI("0x10")).toBeUndefined();
  });

  it("reports bad names, IDs and peerings with their paths", () => {
    const obj = net({
      id: "abc",
      peerings: [
        { name: "p", id: "" },
        { name: "p", id: "7", prefixes: [{ name: "", prefix: "10.0.0.0/33" }] },
      ],
    });
    obj.metadata.name = "a.b";
    expect(problems(admit(networkRules, obj))).toEqual([
      ["metadata.name", "Invalid"],
      ["spec.id", "Invalid"],
      ["spec.peerings[0].id", "Required"],
      ["spec.peerings[1].name", "Duplicate"],
      ["spec.peerings[1].prefixes[0].name", "Required"],
      ["spec.peerings[1].prefixes[0].prefix", "Invalid"],
    ]);
  });

  it("keeps spec.id immutable", () => {
    expect(problems(admitUpdate(networkRules, net({ id: "201" }), net({ id: "200" })))).toEqual([
      ["spec.id", "Immutable"],
    ]);
    expect(admitUpdate(networkRules, net({ id: "200", peerings: [] }), net({ id: "200" }))).toEqual([]);
  });

  it("checks per-partition peering status entries", () => {
    const obj = net({ id: "200" });
    obj.status = {
      peerings: {
        "partition-a": [
          { id: 7, state: "Ready" },
          { id: "x", state: "Up" },
        ],
      },
    };
    expect(problems(networkRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.peerings[partition-a][1].id", "Invalid"],
      ["status.peerings[partition-a][1].state", "NotSupported"],
    ]);
  });
});

describe("NetworkID", () => {
  const claim = (name: string): NetworkIDObject => ({
    apiVersion: "core.apinet.ironcore.dev/v1alpha1",
    kind: "NetworkID",
    metadata: { name },
    spec: {
      claimRef: {
        group: "core.apinet.ironcore.dev",
        resource: "networks",
        namespace: "default",
        name: "n",
        uid: "u",
      },
    },
  });

  it("is named after its VNI in canonical decimal and needs a complete claimRef", () => {
    expect(admit(networkIDRules, claim("4711"))).toEqual([]);
    const bad = claim("04711");
    bad.spec = { claimRef: { name: "n" } };
    expect(problems(admit(networkIDRules, bad))).toEqual([
      ["metadata.name", "Invalid"],
      ["spec.claimRef.resource", "Required"],
      ["spec.claimRef.uid", "Required"],
    ]);
  });

  it("never changes its claim", () => {
    const changed = claim("4711");
    changed.spec!.claimRef!.uid = "other";
    expect(problems(admitUpdate(networkIDRules, changed, claim("4711")))).toEqual([["spec", "Immutable"]]);
  });
});
