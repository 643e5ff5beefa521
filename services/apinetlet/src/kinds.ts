/**
 * The kinds apinetlet reads and writes on both sides, as `{apiVersion, kind}` references for an
 * ObjectClient and as object types (the generated proto-JSON types plus ApiObject metadata).
 *
 * apinetlet talks to ironcore-api and ironcore-net only over gRPC, so it keeps its own copy of
 * these names instead of importing either server package (which would pull a whole API server
 * into the apinetlet process).
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef } from "@ironcore-ts/client";
import type { IPJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ip_pb.js";
import type { IPAddressJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ipaddress_pb.js";
import type { LoadBalancerJson as ApinetLoadBalancerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancer_pb.js";
import type { LoadBalancerRoutingJson as ApinetLoadBalancerRoutingJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancerrouting_pb.js";
import type { NATGatewayJson as ApinetNATGatewayJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgateway_pb.js";
import type { NATGatewayAutoscalerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgatewayautoscaler_pb.js";
import type { NetworkJson as ApinetNetworkJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/network_pb.js";
import type { NetworkInterfaceJson as ApinetNetworkInterfaceJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import type { NetworkPolicyJson as ApinetNetworkPolicyJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import type { NetworkPolicyRuleJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicyrule_pb.js";
import type { PrefixJson } from "@ironcore-ts/gen/ironcore/ipam/v1alpha1/prefix_pb.js";
import type { LoadBalancerJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancer_pb.js";
import type { LoadBalancerRoutingJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancerrouting_pb.js";
import type { NATGatewayJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/natgateway_pb.js";
import type { NetworkJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import type { NetworkInterfaceJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import type { NetworkPolicyJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkpolicy_pb.js";
import type { VirtualIPJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/virtualip_pb.js";

export const networkingApiVersion = "networking.ironcore.dev/v1alpha1";
export const ipamApiVersion = "ipam.ironcore.dev/v1alpha1";
export const apinetGroup = "core.apinet.ironcore.dev";
export const apinetApiVersion = `${apinetGroup}/v1alpha1`;

const networking = (kind: string): KindRef => ({ apiVersion: networkingApiVersion, kind });
const apinet = (kind: string): KindRef => ({ apiVersion: apinetApiVersion, kind });

/** The user API (ironcore-api). */
export const ironcoreRefs = {
  Network: networking("Network"),
  NetworkInterface: networking("NetworkInterface"),
  VirtualIP: networking("VirtualIP"),
  NATGateway: networking("NATGateway"),
  LoadBalancer: networking("LoadBalancer"),
  LoadBalancerRouting: networking("LoadBalancerRouting"),
  NetworkPolicy: networking("NetworkPolicy"),
  Prefix: { apiVersion: ipamApiVersion, kind: "Prefix" },
} as const satisfies Record<string, KindRef>;

/**
 * ironcore-net's cluster-scoped claim of one public address. apinetlet only watches it: its
 * deletion is the moment an address is free again (see allocation.ts).
 */
export const apinetIPAddressRef: KindRef = apinet("IPAddress");

/** The global coordination API (ironcore-net): the namespaced kinds apinetlet reads and writes. */
export const apinetRefs = {
  Network: apinet("Network"),
  IP: apinet("IP"),
  NetworkInterface: apinet("NetworkInterface"),
  LoadBalancer: apinet("LoadBalancer"),
  LoadBalancerRouting: apinet("LoadBalancerRouting"),
  NATGateway: apinet("NATGateway"),
  NATGatewayAutoscaler: apinet("NATGatewayAutoscaler"),
  NetworkPolicy: apinet("NetworkPolicy"),
  NetworkPolicyRule: apinet("NetworkPolicyRule"),
} as const satisfies Record<string, KindRef>;

export type NetworkObject = NetworkJson & ApiObject;
export type NetworkInterfaceObject = NetworkInterfaceJson & ApiObject;
export type VirtualIPObject = VirtualIPJson & ApiObject;
export type NATGatewayObject = NATGatewayJson & ApiObject;
export type LoadBalancerObject = LoadBalancerJson & ApiObject;
export type LoadBalancerRoutingObject = LoadBalancerRoutingJson & ApiObject;
export type NetworkPolicyObject = NetworkPolicyJson & ApiObject;
export type PrefixObject = PrefixJson & ApiObject;

export type ApinetNetworkObject = ApinetNetworkJson & ApiObject;
export type ApinetIPObject = IPJson & ApiObject;
export type ApinetIPAddressObject = IPAddressJson & ApiObject;
export type ApinetNetworkInterfaceObject = ApinetNetworkInterfaceJson & ApiObject;
export type ApinetLoadBalancerObject = ApinetLoadBalancerJson & ApiObject;
export type ApinetLoadBalancerRoutingObject = ApinetLoadBalancerRoutingJson & ApiObject;
export type ApinetNATGatewayObject = ApinetNATGatewayJson & ApiObject;
export type ApinetNATGatewayAutoscalerObject = NATGatewayAutoscalerJson & ApiObject;
export type ApinetNetworkPolicyObject = ApinetNetworkPolicyJson & ApiObject;
export type ApinetNetworkPolicyRuleObject = NetworkPolicyRuleJson & ApiObject;

/** Finalizers apinetlet keeps on ironcore objects while their apinet counterparts exist. */
export const finalizers = {
  network: "apinet.ironcore.dev/network",
  virtualIP: "apinet.ironcore.dev/virtualip",
  networkInterface: "apinet.ironcore.dev/networkinterface",
  loadBalancer: "apinet.ironcore.dev/loadbalancer",
  natGateway: "apinet.ironcore.dev/natgateway",
  networkPolicy: "apinet.ironcore.dev/networkpolicy",
} as const;

/** Labels and annotations of the user API that change what apinetlet does. */
export const ironcoreLabels = {
  /** With a watch filter configured, only objects carrying this label with that value are handled. */
  watchFilter: "common.ironcore.dev/watch-filter",
  /** Objects annotated with this are managed by someone else; apinetlet leaves them alone. */
  managedBy: "common.ironcore.dev/managed-by",
} as const;

/** apinet topology label the load balancer instances spread over. */
export const apinetZoneLabel = "topology.core.apinet.ironcore.dev/zone";
