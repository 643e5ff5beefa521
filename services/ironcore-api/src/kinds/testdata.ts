/**
 * Test support for the kind rules: the seed documents' examples (/work/shared/seed-examples,
 * transcribed from YAML to their JSON form; ironcore-api has no YAML dependency) and helpers that
 * run the hooks in the order the API server does (default -> prepareForWrite -> validate).
 */
import type { ApiObject, FieldError } from "@ironcore-ts/apimachinery";
import type { KindRules } from "@ironcore-ts/apiserver";
import type { LoadBalancerObject } from "./loadBalancer.js";
import type { LoadBalancerRoutingObject } from "./loadBalancerRouting.js";
import type { NATGatewayObject } from "./natGateway.js";
import type { NetworkObject } from "./network.js";
import type { NetworkInterfaceObject } from "./networkInterface.js";
import type { NetworkPolicyObject } from "./networkPolicy.js";
import type { VirtualIPObject } from "./virtualIP.js";

/** A create, as the server runs it. */
export function admit<T extends ApiObject>(rules: KindRules<T>, obj: T): FieldError[] {
  rules.default?.(obj);
  rules.prepareForWrite?.(obj);
  return rules.validate?.(obj) ?? [];
}

/** An update of `old` (which is admitted first, as a stored object would have been) to `obj`. */
export function admitUpdate<T extends ApiObject>(rules: KindRules<T>, obj: T, old: T): FieldError[] {
  rules.default?.(old);
  rules.prepareForWrite?.(old);
  const errs = admit(rules, obj);
  return [...errs, ...(rules.validateUpdate?.(obj, old) ?? [])];
}

export function paths(errs: readonly FieldError[]): string[] {
  return errs.map((e) => e.path);
}

/** `[path, type]` pairs, to assert both at once. */
export function problems(errs: readonly FieldError[]): [string, string][] {
  return errs.map((e) => [e.path, e.type]);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export const seedNetwork = (): NetworkObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "Network",
  metadata: { name: "network-sample" },
  spec: { peerings: [{ name: "peering1", networkRef: { name: "network-sample2" } }] },
});

export const seedNetwork2 = (): NetworkObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "Network",
  metadata: { name: "network-sample2" },
  spec: { peerings: [{ name: "peering2", networkRef: { name: "network-sample" } }] },
});

export const seedNetworkInterface = (): NetworkInterfaceObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "NetworkInterface",
  metadata: { name: "networkinterface-sample" },
  spec: {
    networkRef: { name: "network-sample" },
    ipFamilies: ["IPv4"],
    ips: [{ value: "10.0.0.1" }],
    virtualIP: { virtualIPRef: { name: "virtualip-sample" } },
  },
});

export const seedVirtualIP = (): VirtualIPObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "VirtualIP",
  metadata: { name: "virtualip-sample" },
  spec: { type: "Public", ipFamily: "IPv4" },
});

export const seedNATGateway = (): NATGatewayObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "NATGateway",
  metadata: { namespace: "default", name: "natgateway-sample" },
  spec: {
    type: "Public",
    ipFamily: "IPv4",
    portsPerNetworkInterface: 64,
    networkRef: { name: "network-sample" },
  },
});

export const seedLoadBalancer = (): LoadBalancerObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "LoadBalancer",
  metadata: { namespace: "default", name: "loadbalancer-sample" },
  spec: {
    type: "Public",
    ipFamilies: ["IPv4"],
    networkRef: { name: "network-sample" },
    networkInterfaceSelector: { matchLabels: { app: "web" } },
    ports: [{ port: 80 }],
  },
});

export const seedLoadBalancerRouting = (): LoadBalancerRoutingObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "LoadBalancerRouting",
  metadata: { namespace: "default", name: "loadbalancer-sample" },
  networkRef: { name: "network-sample" },
  destinations: [
    { name: "my-machine-interface-1", uid: "2020dcf9-e030-427e-b0fc-4fec2016e73a" },
    { name: "my-machine-interface-2", uid: "2020dcf9-e030-427e-b0fc-4fec2016e73d" },
  ],
});

export const seedNetworkPolicy = (): NetworkPolicyObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "NetworkPolicy",
  metadata: { namespace: "default", name: "my-network-policy" },
  spec: {
    networkRef: { name: "my-network" },
    networkInterfaceSelector: { matchLabels: { app: "db" } },
    policyTypes: ["Ingress", "Egress"],
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
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 8080 }] }],
  },
});
