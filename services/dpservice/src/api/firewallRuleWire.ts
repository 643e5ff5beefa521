import {
  FirewallAction,
  type FirewallRule as FirewallRuleMessage,
  IpVersion,
  type Prefix,
  type ProtocolFilter,
  TrafficDirection,
} from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import type { FirewallRule, PortRange, RuleFilter, RulePrefix } from "../state/firewallRule.js";
import { ipv4Addr, ipv6Addr, maxPrefixLength, normalizePrefix, parseIpAddr } from "../state/ipAddr.js";
import { invalidArgument } from "./requestErrors.js";
import { readId } from "./requestFields.js";
import { ipMessage } from "./wireAddress.js";
import { strictBytesText, textBytes } from "./wireText.js";

/**
 * A FirewallRule message as the table's rule, with upstream's validation texts. Extension: an
 * absent source or destination prefix means "any" (0.0.0.0/0, or ::/0 when the other is IPv6).
 */
export function readFirewallRule(msg: FirewallRuleMessage | undefined): FirewallRule {
  const id = readId(msg?.id ?? new Uint8Array(), "rule id");
  const familyHint = msg?.sourcePrefix?.ip?.ipver ?? msg?.destinationPrefix?.ip?.ipver ?? IpVersion.IPV4;
  const source = readRulePrefix(msg?.sourcePrefix, "source_prefix", familyHint);
  const destination = readRulePrefix(msg?.destinationPrefix, "destination_prefix", familyHint);
  const direction = msg?.direction ?? TrafficDirection.INGRESS;
  if (direction !== TrafficDirection.INGRESS && direction !== TrafficDirection.EGRESS)
    invalidArgument("Invalid direction");
  const action = msg?.action ?? FirewallAction.DROP;
  if (action !== FirewallAction.ACCEPT && action !== FirewallAction.DROP) invalidArgument("Invalid action");
  const priority = msg?.priority ?? 0;
  if (priority > 0xffff) invalidArgument("Invalid priority");
  return {
    id,
    direction: direction === TrafficDirection.INGRESS ? "ingress" : "egress",
    action: action === FirewallAction.ACCEPT ? "accept" : "drop",
    priority,
    source,
    destination,
    filter: readFilter(msg?.protocolFilter),
  };
}

function readRulePrefix(msg: Prefix | undefined, field: string, familyHint: IpVersion): RulePrefix {
  if (!msg?.ip) {
    const any = familyHint === IpVersion.IPV6 ? ipv6Addr(0n) : ipv4Addr(0);
    return { written: any, network: normalizePrefix(any, 0) };
  }
  const ipver = msg.ip.ipver;
  if (ipver !== IpVersion.IPV4 && ipver !== IpVersion.IPV6) invalidArgument(`Invalid ${field}.ip.ipver`);
  const family = ipver === IpVersion.IPV4 ? 4 : 6;
  const text = strictBytesText(msg.ip.address);
  const written = text !== undefined ? parseIpAddr(text, family) : undefined;
  if (!written) return invalidArgument(`Invalid ${field}.ip`);
  if (msg.length > maxPrefixLength(family))
    invalidArgument(family === 4 ? `Invalid ${field}.length` : `Invalid ip6 ${field}.length`);
  return { written, network: normalizePrefix(written, msg.length) };
}

function readFilter(msg: ProtocolFilter | undefined): RuleFilter {
  const f = msg?.filter;
  switch (f?.case) {
    case "icmp": {
      const { icmpType, icmpCode } = f.value;
      if (icmpType < -1 || icmpType > 0xff) invalidArgument("Invalid icmp.icmp_type");
      if (icmpCode < -1 || icmpCode > 0xff) invalidArgument("Invalid icmp.icmp_code");
      return { protocol: 1, icmpType, icmpCode };
    }
    case "tcp":
    case "udp": {
      const name = f.case;
      const v = f.value;
      const port = (value: number, field: string) => {
        if (value < -1 || value > 0xffff) invalidArgument(`Invalid ${name}.${field}`);
        return value;
      };
      // Upstream's order of checks.
      const srcLower = port(v.srcPortLower, "src_port_lower");
      const dstLower = port(v.dstPortLower, "dst_port_lower");
      const srcUpper = port(v.srcPortUpper, "src_port_upper");
      const dstUpper = port(v.dstPortUpper, "dst_port_upper");
      const src = checkedRange({ lower: srcLower, upper: srcUpper }, `${name}.src_port`);
      const dst = checkedRange({ lower: dstLower, upper: dstUpper }, `${name}.dst_port`);
      return { protocol: name === "tcp" ? 6 : 17, src, dst };
    }
    default:
      return { protocol: 0 };
  }
}

/** A real lower bound needs an upper bound at least as high (-1 as upper reads as 65535). */
function checkedRange(range: PortRange, field: string): PortRange {
  if (range.lower !== -1 && range.upper !== -1 && range.upper < range.lower)
    invalidArgument(`Invalid ${field} range`);
  return range;
}

export function firewallRuleMessage(rule: FirewallRule) {
  return {
    id: textBytes(rule.id),
    direction: rule.direction === "ingress" ? TrafficDirection.INGRESS : TrafficDirection.EGRESS,
    action: rule.action === "accept" ? FirewallAction.ACCEPT : FirewallAction.DROP,
    priority: rule.priority,
    sourcePrefix: { ip: ipMessage(rule.source.written), length: rule.source.network.length },
    destinationPrefix: { ip: ipMessage(rule.destination.written), length: rule.destination.network.length },
    protocolFilter: { filter: filterMessage(rule.filter) },
  };
}

function filterMessage(filter: RuleFilter) {
  switch (filter.protocol) {
    case 1:
      return { case: "icmp" as const, value: { icmpType: filter.icmpType, icmpCode: filter.icmpCode } };
    case 6:
    case 17: {
      const value = {
        srcPortLower: filter.src.lower,
        srcPortUpper: filter.src.upper,
        dstPortLower: filter.dst.lower,
        dstPortUpper: filter.dst.upper,
      };
      return filter.protocol === 6 ? { case: "tcp" as const, value } : { case: "udp" as const, value };
    }
    default:
      return { case: undefined };
  }
}
