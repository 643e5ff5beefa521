import { type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import {
  canonicalPolicyIPBlocks,
  type PolicyRules,
  validateNetworkPolicyRules,
  validatePolicyTypes,
} from "./networkPolicy.js";

const spec = FieldPath.root("spec");

function problems(errs: readonly FieldError[]): [string, string][] {
  return errs.map((e) => [e.path, e.type]);
}

describe("validateNetworkPolicyRules", () => {
  const rules: PolicyRules = {
    ingress: [{ from: [{ objectSelector: { kind: "VirtualIP" } }], ports: [{ protocol: "TCP", port: 80 }] }],
    egress: [
      { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["11.0.0.0/16"] } }], ports: [{ endPort: 90 }] },
    ],
  };

  it("checks objectSelector kinds against the list the API passes", () => {
    const ironcoreKinds = ["NetworkInterface", "LoadBalancer", "VirtualIP"];
    const apinetKinds = ["NetworkInterface", "LoadBalancer"];
    const common: [string, string][] = [
      ["spec.egress[0].to[0].ipBlock.except[0]", "Forbidden"],
      ["spec.egress[0].ports[0].endPort", "Forbidden"],
    ];
    expect(problems(validateNetworkPolicyRules(rules, spec, ironcoreKinds))).toEqual(common);
    expect(problems(validateNetworkPolicyRules(rules, spec, apinetKinds))).toEqual([
      ["spec.ingress[0].from[0].objectSelector.kind", "NotSupported"],
      ...common,
    ]);
  });

  it("refuses a peer with neither objectSelector nor ipBlock, and one with both", () => {
    const peers: PolicyRules = {
      ingress: [
        { from: [{}, { objectSelector: { kind: "LoadBalancer" }, ipBlock: { cidr: "10.0.0.0/8" } }] },
      ],
    };
    expect(problems(validateNetworkPolicyRules(peers, spec, ["LoadBalancer"]))).toEqual([
      ["spec.ingress[0].from[0]", "Required"],
      ["spec.ingress[0].from[1].ipBlock", "Forbidden"],
    ]);
  });
});

describe("canonicalPolicyIPBlocks", () => {
  it("rewrites the cidr and exceptions of ingress and egress peers, leaving invalid text as is", () => {
    const rules = {
      ingress: [{ from: [{ ipBlock: { cidr: "2001:DB8:0::/32", except: ["2001:db8:0:0::/48", "bad"] } }] }],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }, {}] }],
    };
    canonicalPolicyIPBlocks(rules);
    expect(rules.ingress[0]?.from[0]?.ipBlock).toEqual({
      cidr: "2001:db8::/32",
      except: ["2001:db8::/48", "bad"],
    });
    expect(rules.egress[0]?.to[0]?.ipBlock).toEqual({ cidr: "10.0.0.0/8" });
  });
});

describe("validatePolicyTypes", () => {
  it("accepts Ingress and Egress once each", () => {
    expect(validatePolicyTypes(["Ingress", "Egress"], spec.child("policyTypes"))).toEqual([]);
    expect(validatePolicyTypes(undefined, spec.child("policyTypes"))).toEqual([]);
  });

  it("refuses unknown and repeated types", () => {
    expect(problems(validatePolicyTypes(["Both", "Egress", "Egress"], spec.child("policyTypes")))).toEqual([
      ["spec.policyTypes[0]", "NotSupported"],
      ["spec.policyTypes[2]", "Duplicate"],
    ]);
  });
});
