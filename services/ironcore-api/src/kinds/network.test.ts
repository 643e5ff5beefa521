import { describe, expect, it } from "vitest";
import { type NetworkObject, networkRules } from "./network.js";
import { admit, admitUpdate, paths, problems, seedNetwork, seedNetwork2 } from "./testdata.js";

function network(spec: NetworkObject["spec"], name = "net-a"): NetworkObject {
  return { metadata: { namespace: "default", name }, spec };
}

describe("Network seed examples", () => {
  it("accepts both seed networks unchanged", () => {
    for (const seed of [seedNetwork(), seedNetwork2()]) {
      const before = structuredClone(seed);
      expect(admit(networkRules, seed)).toEqual([]);
      expect(seed).toEqual(before);
    }
  });

  it("accepts a typical network with prefix-filtered peerings", () => {
    const obj = network({
      peerings: [
        {
          name: "to-b",
          networkRef: { namespace: "other", name: "net-b" },
          prefixes: [
            { name: "b-web", prefix: "10.1.0.0/24" },
            { name: "b-db", prefixRef: { name: "db-prefix" } },
          ],
        },
      ],
    });
    expect(admit(networkRules, obj)).toEqual([]);
  });
});

describe("Network name format (DNS subdomain)", () => {
  it("accepts dotted names", () => {
    expect(admit(networkRules, network({}, "net.a"))).toEqual([]);
  });

  it.each(["Net", "net_a", "-net", "a".repeat(254)])("refuses %j at metadata.name", (name) => {
    expect(problems(admit(networkRules, network({}, name)))).toEqual([["metadata.name", "Invalid"]]);
  });
});

describe("Network peerings", () => {
  it("refuses duplicate peering names, self-peering and two peerings to one network", () => {
    const obj = network({
      peerings: [
        { name: "p", networkRef: { name: "net-b" } },
        { name: "p", networkRef: { name: "net-c" } },
        { name: "self", networkRef: { name: "net-a" } },
        { name: "again", networkRef: { namespace: "default", name: "net-b" } },
      ],
    });
    expect(problems(admit(networkRules, obj))).toEqual([
      ["spec.peerings[1].name", "Duplicate"],
      ["spec.peerings[2].networkRef", "Forbidden"],
      ["spec.peerings[3].networkRef", "Duplicate"],
    ]);
  });

  it("allows the same network name in another namespace", () => {
    const obj = network({
      peerings: [
        { name: "p1", networkRef: { name: "net-a", namespace: "other" } },
        { name: "p2", networkRef: { name: "net-b" } },
      ],
    });
    expect(admit(networkRules, obj)).toEqual([]);
  });

  it("checks names and namespace formats", () => {
    const obj = network({
      peerings: [{ name: "P", networkRef: { namespace: "a.b", name: "Net" } }, { networkRef: {} }],
    });
    expect(problems(admit(networkRules, obj))).toEqual([
      ["spec.peerings[0].name", "Invalid"],
      ["spec.peerings[0].networkRef.namespace", "Invalid"],
      ["spec.peerings[0].networkRef.name", "Invalid"],
      ["spec.peerings[1].name", "Required"],
      ["spec.peerings[1].networkRef.name", "Required"],
    ]);
  });
});

describe("Network peering prefixes", () => {
  it("accepts several literal-prefix entries (upstream quirk: only one passes there)", () => {
    const obj = network({
      peerings: [
        {
          name: "p1",
          networkRef: { name: "net-b" },
          prefixes: [
            { name: "a", prefix: "10.0.0.0/24" },
            { name: "b", prefix: "10.0.1.0/24" },
          ],
        },
        { name: "p2", networkRef: { name: "net-c" }, prefixes: [{ name: "c", prefix: "10.0.2.0/24" }] },
      ],
    });
    expect(admit(networkRules, obj)).toEqual([]);
  });

  it("refuses duplicate entry names and prefixRef names across peerings", () => {
    const obj = network({
      peerings: [
        { name: "p1", networkRef: { name: "net-b" }, prefixes: [{ name: "a", prefixRef: { name: "x" } }] },
        {
          name: "p2",
          networkRef: { name: "net-c" },
          prefixes: [
            { name: "a", prefix: "10.0.0.0/24" },
            { name: "b", prefixRef: { name: "x" } },
          ],
        },
      ],
    });
    expect(problems(admit(networkRules, obj))).toEqual([
      ["spec.peerings[1].prefixes[0].name", "Duplicate"],
      ["spec.peerings[1].prefixes[1].prefixRef.name", "Duplicate"],
    ]);
  });

  it("needs exactly one of prefix / prefixRef and a valid prefix", () => {
    const obj = network({
      peerings: [
        {
          name: "p1",
          networkRef: { name: "net-b" },
          prefixes: [
            { name: "both", prefix: "10.0.0.0/24", prefixRef: { name: "x" } },
            { name: "none" },
            { name: "bad", prefix: "10.0.0.0/33" },
          ],
        },
      ],
    });
    expect(problems(admit(networkRules, obj))).toEqual([
      ["spec.peerings[0].prefixes[0].prefixRef", "Forbidden"],
      ["spec.peerings[0].prefixes[1]", "Required"],
      ["spec.peerings[0].prefixes[2].prefix", "Invalid"],
    ]);
  });

  it("stores literal prefixes canonically", () => {
    const obj = network({
      peerings: [
        { name: "p", networkRef: { name: "b" }, prefixes: [{ name: "a", prefix: "2001:DB8:0::/48" }] },
      ],
    });
    admit(networkRules, obj);
    expect(obj.spec?.peerings?.[0]?.prefixes?.[0]?.prefix).toBe("2001:db8::/48");
  });
});

describe("Network incomingPeerings", () => {
  it("refuses self claims, duplicates and missing names", () => {
    const obj = network({
      incomingPeerings: [
        { name: "net-b", uid: "1" },
        { name: "net-a" },
        { namespace: "default", name: "net-b" },
        { namespace: "x" },
      ],
    });
    expect(problems(admit(networkRules, obj))).toEqual([
      ["spec.incomingPeerings[1]", "Forbidden"],
      ["spec.incomingPeerings[2]", "Duplicate"],
      ["spec.incomingPeerings[3].name", "Required"],
    ]);
  });
});

describe("Network update", () => {
  it("lets providerID be set once, then never changed or cleared", () => {
    const old = network({});
    const set = network({ providerID: "ironcore-net://default/net-a/100/uid" });
    expect(admitUpdate(networkRules, structuredClone(set), old)).toEqual([]);

    const changed = network({ providerID: "ironcore-net://default/net-a/101/uid" });
    expect(problems(admitUpdate(networkRules, changed, structuredClone(set)))).toEqual([
      ["spec.providerID", "Immutable"],
    ]);
    expect(paths(admitUpdate(networkRules, network({}), structuredClone(set)))).toEqual(["spec.providerID"]);
  });

  it("lets peerings change", () => {
    const old = seedNetwork();
    const obj = seedNetwork();
    obj.spec!.peerings!.push({ name: "peering3", networkRef: { name: "network-sample3" } });
    expect(admitUpdate(networkRules, obj, old)).toEqual([]);
  });
});

describe("Network status", () => {
  it("accepts apinetlet's states and refuses others", () => {
    const obj = seedNetwork();
    obj.status = { state: "Available", peerings: [{ name: "peering1", state: "Ready" }] };
    expect(networkRules.validateStatus?.(obj)).toEqual([]);
    obj.status = {
      state: "Up",
      peerings: [{ name: "peering1", state: "Done", prefixes: [{ name: "a", prefix: "x" }] }],
    };
    expect(paths(networkRules.validateStatus?.(obj) ?? [])).toEqual([
      "status.state",
      "status.peerings[0].state",
      "status.peerings[0].prefixes[0].prefix",
    ]);
  });
});
