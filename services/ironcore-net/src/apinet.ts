/**
 * Names of the apinet API that other components (apinetlet, metalnetlet, the machine provider,
 * the ironcore-net controllers) share: group and version, kind references, well-known labels,
 * annotations and finalizers. Reference: ironcore-net.md section 0.
 */
import type { KindRef } from "@ironcore-ts/client";

export const apinetGroup = "core.apinet.ironcore.dev";
export const apinetVersion = "v1alpha1";
export const apinetApiVersion = `${apinetGroup}/${apinetVersion}`;

function ref(kind: string): KindRef {
  return { apiVersion: apinetApiVersion, kind };
}

/** Kind references for ObjectClient calls (`client.get(apinetKinds.Network, ns, name)`). */
export const apinetRefs = {
  Network: ref("Network"),
  NetworkID: ref("NetworkID"),
  IP: ref("IP"),
  IPAddress: ref("IPAddress"),
  NetworkIPClaim: ref("NetworkIPClaim"),
  NetworkInterface: ref("NetworkInterface"),
  LoadBalancer: ref("LoadBalancer"),
  LoadBalancerRouting: ref("LoadBalancerRouting"),
  NATGateway: ref("NATGateway"),
  NATGatewayAutoscaler: ref("NATGatewayAutoscaler"),
  NATTable: ref("NATTable"),
  NetworkPolicy: ref("NetworkPolicy"),
  NetworkPolicyRule: ref("NetworkPolicyRule"),
  Node: ref("Node"),
  Instance: ref("Instance"),
  DaemonSet: ref("DaemonSet"),
} as const satisfies Record<string, KindRef>;

export type ApinetKindName = keyof typeof apinetRefs;

export const labels = {
  controllerRevisionHash: "apinet.ironcore.dev/controller-revision-hash",
  ipFamily: "apinet.ironcore.dev/ip-family",
  /** The IP with `:` replaced by `-` (see ipLabelValue). */
  ip: "apinet.ironcore.dev/ip",
  topologyPartition: "topology.core.apinet.ironcore.dev/partition",
  topologyZone: "topology.core.apinet.ironcore.dev/zone",
} as const;

export const annotations = {
  reconcileRequestedAt: "reconcile.apinet.ironcore.dev/requestedAt",
  /**
   * ironcore-ts: on an IP the server created for a claimer (NIC publicIPs, NATGateway ips,
   * Public LoadBalancer ips), the claimer's uid. The IP is "controlled" by that claimer from
   * the moment it exists, before the controller ownerRef can be added (see README: the
   * ownerRef is added once the claimer is stored).
   */
  controlledBy: "apinet.ironcore.dev/controlled-by",
  /** ironcore-ts: when spec.claimRef was last set by the server (RFC 3339), for the claim GC's grace. */
  claimedAt: "apinet.ironcore.dev/claimed-at",
} as const;

export const finalizers = {
  /** Kept on an IPAddress while the IP holding it exists (upstream IPAddressInUseProtection). */
  ipAddressProtection: "apinet.ironcore.dev/ipaddress-protection",
} as const;

/** Resources (plurals) that appear in claim references. */
export const resources = {
  networks: "networks",
  ips: "ips",
  networkInterfaces: "networkinterfaces",
  natGateways: "natgateways",
  loadBalancers: "loadbalancers",
} as const;
