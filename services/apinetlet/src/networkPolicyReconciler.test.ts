import { describe, expect, it } from "vitest";
import type { ApinetLoadBalancerObject, ApinetNetworkInterfaceObject, NetworkPolicyObject } from "./kinds.js";
import {
  desiredPolicySpec,
  desiredRuleContent,
  type PolicyWorld,
  unsupportedPeers,
} from "./networkPolicyReconciler.js";

const nic = (
  name: string,
  ip: string,
  labels: Record<string, string>,
  state = "Ready",
): ApinetNetworkInterfaceObject => ({
  metadata: { namespace: "ns", name, uid: `uid-${name}`, labels },
  spec: { ips: [ip] },
  status: { state },
});
const lb = (name: string, ip: string, labels: Record<string, string>): ApinetLoadBalancerObject => ({
  metadata: { namespace: "ns", name, uid: `uid-${name}`, labels },
  spec: { ips: [{ name: "ipv4", ipFamily: "IPv4", ip }] },
});

// seed-examples/networkpolicy.yaml
const policy: NetworkPolicyObject = {
  metadata: { namespace: "default", name: "my-network-policy", uid: "p" },
  spec: {
    networkRef: { name: "my-network" },
    networkInterfaceSelector: { matchLabels: { app: "db" } },
    policyTypes: ["Egress", "Ingress"],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: "172.17.0.0/16" } },
          { objectSelector: { kind: "NetworkInterface", matchLabels: { app: "web" } } },
          { objectSelector: { kind: "LoadBalancer", matchLabels: { app: "web" } } },
        ],
        ports: [{ protocol: "TCP", port: 5432 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ port: 8080 }] }],
  },
};

describe("network policy", () => {
  const world: PolicyWorld = {
    networkInterfaces: [
      nic("db-1", "10.0.0.1", { app: "db" }),
      nic("db-2", "10.0.0.2", { app: "db" }, "Pending"),
      nic("web-1", "10.0.0.3", { app: "web" }),
      nic("web-2", "fd00::3", { app: "web" }),
    ],
    loadBalancers: [
      lb("lb-web", "10.0.0.100", { app: "web" }),
      lb("lb-other", "10.0.0.101", { app: "other" }),
    ],
    labelsOfNIC: (n) => n.metadata.labels ?? {},
    labelsOfLB: (l) => l.metadata.labels ?? {},
  };

  it("targets Ready NICs matching the selector and resolves object peers to host prefixes", () => {
    expect(desiredRuleContent(policy, world)).toEqual({
      targets: [{ ip: "10.0.0.1", targetRef: { name: "db-1", uid: "uid-db-1" } }],
      ingressRule: [
        {
          ipBlock: [{ cidr: "172.17.0.0/16", except: undefined }],
          ips: [
            { ipFamily: "IPv4", prefix: "10.0.0.100/32" },
            { ipFamily: "IPv4", prefix: "10.0.0.3/32" },
            { ipFamily: "IPv6", prefix: "fd00::3/128" },
          ],
          networkPolicyPorts: [{ protocol: "TCP", port: 5432, endPort: undefined }],
        },
      ],
      egressRule: [
        {
          ipBlock: [{ cidr: "10.0.0.0/24", except: undefined }],
          ips: [],
          networkPolicyPorts: [{ protocol: "TCP", port: 8080, endPort: undefined }],
        },
      ],
    });
  });

  it("writes the apinet policy with priority 1000 and explicit ports and protocols", () => {
    const spec = desiredPolicySpec(policy, "net-uid");
    expect(spec.networkRef).toEqual({ name: "net-uid" });
    expect(spec.priority).toBe(1000);
    expect(spec.egress?.[0]?.ports).toEqual([{ protocol: "TCP", port: 8080, endPort: undefined }]);
    expect(spec.ingress?.[0]?.from).toHaveLength(3);
  });

  it("reports peers apinet cannot express", () => {
    expect(unsupportedPeers(policy)).toEqual([]);
    const withVIP: NetworkPolicyObject = {
      ...policy,
      spec: {
        ...policy.spec,
        ingress: [{ from: [{ objectSelector: { kind: "VirtualIP", matchLabels: { a: "b" } } }] }],
      },
    };
    expect(unsupportedPeers(withVIP)).toEqual(["VirtualIP"]);
  });
});
