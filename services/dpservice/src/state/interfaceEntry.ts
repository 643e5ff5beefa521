import type { FirewallRuleSet } from "./firewallRuleSet.js";
import type { IpAddr, IpPrefix } from "./ipAddr.js";
import type { Underlay } from "./underlay.js";
import type { VirtualFunction } from "./virtualFunction.js";

/** A VM's network interface, bound to one virtual function. */
export interface InterfaceEntry {
  readonly id: string;
  readonly vni: number;
  /** Unsigned 32-bit; undefined when the IPv4 family is disabled ("0.0.0.0" at creation). */
  readonly ipv4: number | undefined;
  /** undefined when the IPv6 family is disabled ("::" at creation). */
  readonly ipv6: bigint | undefined;
  /** Outer source of everything this interface sends over the fabric, and its inbound address. */
  readonly underlay: Underlay;
  readonly vf: VirtualFunction;
  readonly pxe: PxeSettings | undefined;
  /** Mbit/s, 0 = unlimited. */
  readonly metering: { readonly totalRate: bigint; readonly publicRate: bigint };
  /** DHCP option 12; "" = none. */
  readonly hostname: string;
  /** 1:1 NAT of the interface's IPv4. */
  vip: VipEntry | undefined;
  /** This interface's slice of a NAT gateway. */
  nat: LocalNatEntry | undefined;
  /** Alias prefixes routed to this interface, in creation order, keyed by prefixKey(). */
  readonly prefixes: Map<string, AliasPrefixEntry>;
  /** Load balancer target prefixes (an underlay only, no route), keyed by prefixKey(). */
  readonly lbPrefixes: Map<string, AliasPrefixEntry>;
  readonly firewall: FirewallRuleSet;
}

export interface PxeSettings {
  readonly nextServer: IpAddr;
  readonly bootFilename: string;
}

export interface VipEntry {
  readonly ip: number;
  readonly underlay: Underlay;
}

export interface LocalNatEntry {
  readonly ip: number;
  readonly minPort: number;
  /** Exclusive. */
  readonly maxPort: number;
  readonly underlay: Underlay;
}

export interface AliasPrefixEntry {
  readonly prefix: IpPrefix;
  readonly underlay: Underlay;
}
