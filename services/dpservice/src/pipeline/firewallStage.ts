import { IpProtocol } from "@ironcore-ts/packet";
import { type FirewallRule, portInRange, type RulePrefix } from "../state/firewallRule.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import { IPV4_MASKS, IPV6_MASKS } from "../state/ipAddr.js";

/** What the firewall looks at: the first packet of a flow, source before SNAT, destination after DNAT. */
export interface FirewallMatch {
  family: 4 | 6;
  protocol: number;
  /** IPv4 as unsigned number, IPv6 as bigint. */
  src: number | bigint;
  dst: number | bigint;
  srcPort: number;
  dstPort: number;
  icmpType: number;
  icmpCode: number;
}

export interface FirewallVerdict {
  accept: boolean;
  /** The deciding rule; undefined when a default policy decided. */
  rule: FirewallRule | undefined;
  /** Why, for traces. */
  reason: string;
}

export interface FirewallPolicy {
  /**
   * Upstream's default for ingress is "deny unless a rule matches". Applied literally, a fresh
   * interface without any rule would receive nothing; metalnet does not install default rules and
   * upstream does not enforce at all. So by default an interface with no rule in either direction
   * is open, and the upstream defaults apply as soon as it has a rule (like Kubernetes network
   * policies isolating a pod only once one selects it). true: deny ingress even without rules.
   */
  strictIngress: boolean;
}

function prefixMatches(prefix: RulePrefix, family: 4 | 6, addr: number | bigint): boolean {
  const net = prefix.network;
  // metalnet writes 0.0.0.0/0 as "any" also in IPv6 rules: a /0 matches either family.
  if (net.length === 0) return true;
  if (net.addr.family !== family) return false;
  if (family === 4) return ((addr as number) & IPV4_MASKS[net.length]!) >>> 0 === net.addr.value;
  return ((addr as bigint) & IPV6_MASKS[net.length]!) === net.addr.value;
}

/**
 * Whether a rule matches, as upstream's dp_firewall: IPv4 prefixes never match IPv6 (and vice versa;
 * a /0 matches both, see prefixMatches),
 * "ICMP" rules also match ICMPv6, -1 is "any" for ports, type and code. Unlike upstream, ICMP
 * packets are also matched on the prefixes: upstream checks only type and code for ICMP (a
 * quirk that would make any ICMP rule admit every source once rules are enforced).
 */
export function ruleMatches(rule: FirewallRule, m: FirewallMatch): boolean {
  if (!prefixMatches(rule.source, m.family, m.src)) return false;
  if (!prefixMatches(rule.destination, m.family, m.dst)) return false;
  const f = rule.filter;
  switch (f.protocol) {
    case 0:
      return true;
    case 1:
      if (m.protocol !== IpProtocol.ICMP && m.protocol !== IpProtocol.ICMPv6) return false;
      return (
        (f.icmpType === -1 || f.icmpType === m.icmpType) && (f.icmpCode === -1 || f.icmpCode === m.icmpCode)
      );
    default:
      return m.protocol === f.protocol && portInRange(f.src, m.srcPort) && portInRange(f.dst, m.dstPort);
  }
}

function firstMatch(rules: readonly FirewallRule[], m: FirewallMatch): FirewallRule | undefined {
  for (let i = 0; i < rules.length; i++) if (ruleMatches(rules[i]!, m)) return rules[i];
  return undefined;
}

/** Traffic leaving `iface` (VF -> anywhere): allow-all while it has no egress rule, then deny unmatched. */
export function evaluateEgress(iface: InterfaceEntry, m: FirewallMatch): FirewallVerdict {
  const rules = iface.firewall.egress;
  if (rules.length === 0) return { accept: true, rule: undefined, reason: "no egress rules: default allow" };
  const rule = firstMatch(rules, m);
  if (!rule) return { accept: false, rule: undefined, reason: "no egress rule matched: default deny" };
  return { accept: rule.action === "accept", rule, reason: `egress rule ${rule.id} (${rule.action})` };
}

/** Traffic to `iface` (anywhere -> VF): deny unless a rule matches (see FirewallPolicy). */
export function evaluateIngress(
  iface: InterfaceEntry,
  m: FirewallMatch,
  policy: FirewallPolicy,
): FirewallVerdict {
  if (!policy.strictIngress && iface.firewall.size === 0) {
    return { accept: true, rule: undefined, reason: "interface has no firewall rules: open" };
  }
  const rule = firstMatch(iface.firewall.ingress, m);
  if (!rule) return { accept: false, rule: undefined, reason: "no ingress rule matched: default deny" };
  return { accept: rule.action === "accept", rule, reason: `ingress rule ${rule.id} (${rule.action})` };
}
