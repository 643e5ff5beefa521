import { describe, expect, it } from "vitest";
import { type NetworkPolicyObject, networkPolicyRules } from "./networkPolicy.js";
import { type NetworkPolicyRuleObject, networkPolicyRuleRules } from "./networkPolicyRule.js";
import { type NodeObject, nodeRules } from "./node.js";
import { admit, object, problems } from "./testdata.js";

describe("NetworkPolicy", () => {
  it("accepts apinetlet's policy (port always written) and refuses what apinet does not select", () => {
    const obj = object<NetworkPolicyObject>("NetworkPolicy", "p", {
      spec: {
        networkRef: { name: "net" },
        networkInterfaceSelector: { matchLabels: { app: "db" } },
        priority: 1000,
        ingress: [{ from: [{ ipBlock: { cidr: "172.17.0.0/16" } }], ports: [{ protocol: "TCP", port: 0 }] }],
        egress: [{ to: [{ objectSelector: { kind: "VirtualIP", matchLabels: { a: "b" } } }, {}] }],
        policyTypes: ["Ingress", "Egress"],
      },
    });
    expect(problems(admit(networkPolicyRules, obj))).toEqual([
      ["spec.egress[0].to[0].objectSelector.kind", "NotSupported"],
      ["spec.egress[0].to[1]", "Required"],
    ]);
  });
});

describe("NetworkPolicyRule", () => {
  it("checks targets and resolved rules", () => {
    const obj = object<NetworkPolicyRuleObject>("NetworkPolicyRule", "p", {
      networkRef: { name: "net", uid: "u" },
      targets: [{ ip: "10.0.0.1", targetRef: { name: "nic", uid: "u" } }],
      priority: 1000,
      ingressRule: [
        {
          ipBlock: [{ cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] }],
          ips: [{ ipFamily: "IPv6", prefix: "10.0.0.2/32" }],
          networkPolicyPorts: [{ protocol: "TCP", port: 80, endPort: 79 }],
        },
      ],
    });
    expect(problems(admit(networkPolicyRuleRules, obj))).toEqual([
      ["ingressRule[0].ipBlock[0].except[0]", "Forbidden"],
      ["ingressRule[0].ips[0].prefix", "Invalid"],
      ["ingressRule[0].networkPolicyPorts[0].endPort", "Forbidden"],
    ]);
  });
});

describe("Node", () => {
  it("is named <partition>.<node> (a DNS subdomain)", () => {
    const node = (name: string): NodeObject => ({
      apiVersion: "core.apinet.ironcore.dev/v1alpha1",
      kind: "Node",
      metadata: { name },
      spec: {},
    });
    expect(admit(nodeRules, node("local.node1"))).toEqual([]);
    expect(problems(admit(nodeRules, node("Local_Node")))).toEqual([["metadata.name", "Invalid"]]);
  });
});
