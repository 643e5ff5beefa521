import type { IpAddr, IpPrefix } from "./ipAddr.js";

/**
 * A firewall rule of one interface. Evaluated in insertion order, first match wins; `priority`
 * is stored and reported only (as upstream). Unlike upstream, DROP rules are accepted and are
 * meant to be enforced.
 */
export interface FirewallRule {
  readonly id: string;
  readonly direction: "ingress" | "egress";
  readonly action: "accept" | "drop";
  readonly priority: number;
  readonly source: RulePrefix;
  readonly destination: RulePrefix;
  readonly filter: RuleFilter;
}

export interface RulePrefix {
  /** The address as the client wrote it (reported back unchanged, like upstream). */
  readonly written: IpAddr;
  /** The same prefix with host bits cleared: what to match. */
  readonly network: IpPrefix;
}

/** No filter (any protocol), or a protocol with its L4 conditions. */
export type RuleFilter = AnyProtocolFilter | IcmpRuleFilter | PortRuleFilter;

export interface AnyProtocolFilter {
  readonly protocol: 0;
}

/** Matches ICMP and ICMPv6 (as upstream). -1 = any type / any code. */
export interface IcmpRuleFilter {
  readonly protocol: 1;
  readonly icmpType: number;
  readonly icmpCode: number;
}

export interface PortRuleFilter {
  /** 6 TCP or 17 UDP. */
  readonly protocol: 6 | 17;
  readonly src: PortRange;
  readonly dst: PortRange;
}

/**
 * As written: lower -1 = any port. An upper of -1 with a real lower means "up to 65535" (upstream
 * compares it as an unsigned 0xffffffff).
 */
export interface PortRange {
  readonly lower: number;
  readonly upper: number;
}

/** Whether `port` is in the range, with the -1 conventions above. */
export function portInRange(range: PortRange, port: number): boolean {
  if (range.lower === -1) return true;
  const upper = range.upper === -1 ? 0xffff : range.upper;
  return port >= range.lower && port <= upper;
}
