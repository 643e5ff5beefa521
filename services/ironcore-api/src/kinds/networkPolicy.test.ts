import { describe, expect, it } from "vitest";
import { type NetworkPolicyObject, networkPolicyRules } from "./networkPolicy.js";
import { admit, admitUpdate, problems, seedNetworkPolicy } from "./testdata.js";

type Spec = NonNullable<NetworkPolicyObject["spec"]>;

function policy(spec: Partial<Spec>): NetworkPolicyObject {
  return { metadata: { namespace: "default", name: "np" }, spec: { networkRef: { name: "net" }, ...spec } };
}

describe("NetworkPolicy seed example", () => {
  it("accepts it; policyTypes become the sorted set", () => {
    const obj = seedNetworkPolicy();
    expect(admit(networkPolicyRules, obj)).toEqual([]);
    expect(obj.spec?.policyTypes).toEqual(["Egress", "Ingress"]);
  });
});

describe("NetworkPolicy policyTypes", () => {
  it("are derived from the rules present", () => {
    const ingressOnly = policy({ ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] });
    expect(admit(networkPolicyRules, ingressOnly)).toEqual([]);
    expect(ingressOnly.spec?.policyTypes).toEqual(["Ingress"]);

    // An explicit Egress with no egress rules denies all egress: it is kept.
    const denyEgress = policy({ policyTypes: ["Egress"], ingress: [{}] });
    expect(admit(networkPolicyRules, denyEgress)).toEqual([]);
    expect(denyEgress.spec?.policyTypes).toEqual(["Egress", "Ingress"]);
  });

  it("are required when there are no rules", () => {
    expect(problems(admit(networkPolicyRules, policy({})))).toEqual([["spec.policyTypes", "Required"]]);
  });

  it("are Ingress or Egress, each once", () => {
    expect(problems(admit(networkPolicyRules, policy({ policyTypes: ["Both"] })))).toEqual([
      ["spec.policyTypes[0]", "NotSupported"],
    ]);
    // Defaulting removes duplicates; validate on its own reports them.
    const dup = policy({ policyTypes: ["Ingress", "Ingress"] });
    expect(problems(networkPolicyRules.validate?.(dup) ?? [])).toEqual([
      ["spec.policyTypes[1]", "Duplicate"],
    ]);
  });
});

describe("NetworkPolicy peers", () => {
  it("need exactly one of objectSelector and ipBlock (neither: refused, upstream quirk accepted it)", () => {
    const obj = policy({
      ingress: [
        {
          from: [{}, { objectSelector: { kind: "NetworkInterface" }, ipBlock: { cidr: "10.0.0.0/8" } }],
        },
      ],
    });
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.ingress[0].from[0]", "Required"],
      ["spec.ingress[0].from[1].ipBlock", "Forbidden"],
    ]);
  });

  it("select NetworkInterfaces, LoadBalancers or VirtualIPs with a valid selector", () => {
    const obj = policy({
      egress: [
        {
          to: [
            { objectSelector: { kind: "VirtualIP" } },
            { objectSelector: { kind: "Machine" } },
            { objectSelector: { matchLabels: { app: "web" } } },
            { objectSelector: { kind: "LoadBalancer", matchLabels: { "bad key!": "x" } } },
          ],
        },
      ],
    });
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.egress[0].to[1].objectSelector.kind", "NotSupported"],
      ["spec.egress[0].to[2].objectSelector.kind", "Required"],
      ["spec.egress[0].to[3].objectSelector.matchLabels[bad key!]", "Invalid"],
    ]);
  });
});

describe("NetworkPolicy ipBlock", () => {
  it("accepts excepts inside the cidr", () => {
    const obj = policy({
      ingress: [
        {
          from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.0/24", "10.0.0.0/16", "10.0.2.5/32"] } }],
        },
      ],
    });
    expect(admit(networkPolicyRules, obj)).toEqual([]);
  });

  it("refuses invalid cidrs and excepts outside the cidr or of the other family", () => {
    const obj = policy({
      ingress: [
        {
          from: [
            {
              ipBlock: {
                cidr: "10.0.0.0/16",
                except: ["10.1.0.0/24", "10.0.0.0/8", "2001:db8::/64", "bogus"],
              },
            },
            { ipBlock: { cidr: "10.0.0.0/40" } },
            { ipBlock: {} },
          ],
        },
      ],
    });
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.ingress[0].from[0].ipBlock.except[0]", "Forbidden"],
      ["spec.ingress[0].from[0].ipBlock.except[1]", "Forbidden"],
      ["spec.ingress[0].from[0].ipBlock.except[2]", "Forbidden"],
      ["spec.ingress[0].from[0].ipBlock.except[3]", "Invalid"],
      ["spec.ingress[0].from[1].ipBlock.cidr", "Invalid"],
      ["spec.ingress[0].from[2].ipBlock.cidr", "Required"],
    ]);
  });
});

describe("NetworkPolicy ports", () => {
  it("accept all-ports entries and ranges", () => {
    const obj = policy({
      ingress: [{ ports: [{}, { protocol: "UDP" }, { port: 1000, endPort: 2000 }, { port: 0 }] }],
    });
    expect(admit(networkPolicyRules, obj)).toEqual([]);
  });

  it("refuse bad ports, endPort without port or below it, unknown protocols", () => {
    const obj = policy({
      egress: [
        {
          ports: [
            { port: 70000 },
            { endPort: 80 },
            { port: 90, endPort: 80 },
            { protocol: "ICMP", port: 1 },
            { port: 1, endPort: 65536 },
          ],
        },
      ],
    });
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.egress[0].ports[0].port", "Invalid"],
      ["spec.egress[0].ports[1].endPort", "Forbidden"],
      ["spec.egress[0].ports[2].endPort", "Forbidden"],
      ["spec.egress[0].ports[3].protocol", "NotSupported"],
      ["spec.egress[0].ports[4].endPort", "Invalid"],
    ]);
  });
});

describe("NetworkPolicy name, references, update", () => {
  it("names are DNS subdomains", () => {
    const dotted = seedNetworkPolicy();
    dotted.metadata.name = "np.db";
    expect(admit(networkPolicyRules, dotted)).toEqual([]);
    const bad = seedNetworkPolicy();
    bad.metadata.name = "NP";
    expect(problems(admit(networkPolicyRules, bad))).toEqual([["metadata.name", "Invalid"]]);
  });

  it("needs networkRef and a valid selector", () => {
    const obj = seedNetworkPolicy();
    delete obj.spec!.networkRef;
    obj.spec!.networkInterfaceSelector = { matchExpressions: [{ key: "app", operator: "In" }] };
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.networkRef", "Required"],
      ["spec.networkInterfaceSelector.matchExpressions[0].values", "Required"],
    ]);
  });

  it("refuses changing networkRef, allows changing rules", () => {
    const moved = seedNetworkPolicy();
    moved.spec!.networkRef = { name: "other" };
    expect(problems(admitUpdate(networkPolicyRules, moved, seedNetworkPolicy()))).toEqual([
      ["spec.networkRef", "Immutable"],
    ]);
    const edited = seedNetworkPolicy();
    edited.spec!.egress = [];
    expect(admitUpdate(networkPolicyRules, edited, seedNetworkPolicy())).toEqual([]);
  });

  it("checks status conditions", () => {
    const obj = seedNetworkPolicy();
    obj.status = {
      conditions: [
        { type: "Applied", status: "True" },
        { type: "Applied", status: "Maybe" },
      ],
    };
    expect(problems(networkPolicyRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.conditions[1].type", "Duplicate"],
      ["status.conditions[1].status", "NotSupported"],
    ]);
  });
});
