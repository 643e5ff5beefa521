import type { InterfaceEntry } from "./interfaceEntry.js";
import type { IpPrefix } from "./ipAddr.js";
import type { LoadBalancer } from "./loadBalancer.js";
import type { Underlay } from "./underlay.js";

/**
 * What an underlay address stands for ("VNF" upstream). A packet arriving from the fabric carries
 * no VNI: its outer destination, looked up here, tells the VNI and what to do with it.
 */
export type VnfEntry = InterfaceVnf | VipVnf | NatVnf | LoadBalancerVnf | AliasPrefixVnf;

export type VnfType = VnfEntry["type"];

interface VnfBase {
  readonly underlay: Underlay;
  readonly vni: number;
}

/** Traffic for the interface's own addresses. */
export interface InterfaceVnf extends VnfBase {
  readonly type: "INTERFACE_IP";
  readonly iface: InterfaceEntry;
}

/** Inbound traffic to the interface's VIP (destination VIP -> interface IP). */
export interface VipVnf extends VnfBase {
  readonly type: "VIP";
  readonly iface: InterfaceEntry;
}

/** Replies to the interface's NAT-translated flows, and neighbour-NAT relays. */
export interface NatVnf extends VnfBase {
  readonly type: "NAT";
  readonly iface: InterfaceEntry;
}

/** Traffic to a load balancer hosted on this node: pick a target with Maglev. */
export interface LoadBalancerVnf extends VnfBase {
  readonly type: "LB";
  readonly lb: LoadBalancer;
}

/** Traffic for an alias prefix (ALIAS_PFX) or a load balancer prefix (LB_ALIAS_PFX) of an interface. */
export interface AliasPrefixVnf extends VnfBase {
  readonly type: "ALIAS_PFX" | "LB_ALIAS_PFX";
  readonly iface: InterfaceEntry;
  readonly prefix: IpPrefix;
}
