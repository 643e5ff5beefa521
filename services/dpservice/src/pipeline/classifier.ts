import { Fragment, type Frame, IcmpType, Icmpv6Type, IpProtocol } from "@ironcore-ts/packet";
import { Drop } from "./dropReasons.js";

/** classifyL4 results besides a drop index (>= 0). */
export const L4Class = {
  /** TCP, UDP or ICMP echo: conntrack with the ports in `out`. */
  Flow: -1,
  /** An ICMP error to match to the flow of the packet it quotes. */
  IcmpError: -2,
} as const;

/** Ports (or the echo identifier, in both) of the classified packet. */
export interface L4Ports {
  srcPort: number;
  dstPort: number;
}

/**
 * Upstream's conntrack classification: only TCP, UDP, ICMP and ICMPv6 pass; ICMP echo uses the
 * identifier as port; ICMP errors type 3 codes 2 (protocol), 3 (port) and 4 (fragmentation needed)
 * follow the flow they quote, other ICMP types are dropped. For ICMPv6 the matching errors are
 * destination unreachable and packet too big (path MTU discovery needs the latter). Fragments
 * are dropped: later fragments carry no ports and there is no reassembly.
 * Returns a drop index, L4Class.Flow or L4Class.IcmpError; writes the ports into `out`.
 */
export function classifyL4(f: Frame, out: L4Ports): number {
  if (f.fragment !== Fragment.None) return Drop.fragmented;
  const protocol = f.protocol;
  if (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP) {
    out.srcPort = f.srcPort;
    out.dstPort = f.dstPort;
    return L4Class.Flow;
  }
  if (protocol === IpProtocol.ICMP && f.ipVersion === 4) {
    const type = f.icmpType;
    if (type === IcmpType.EchoRequest || type === IcmpType.EchoReply) {
      out.srcPort = out.dstPort = f.icmpIdentifier;
      return L4Class.Flow;
    }
    if (type === IcmpType.DestinationUnreachable) {
      const code = f.icmpCode;
      if (code >= 2 && code <= 4) return L4Class.IcmpError;
    }
    return Drop.icmpType;
  }
  if (protocol === IpProtocol.ICMPv6 && f.ipVersion === 6) {
    const type = f.icmpType;
    if (type === Icmpv6Type.EchoRequest || type === Icmpv6Type.EchoReply) {
      out.srcPort = out.dstPort = f.icmpIdentifier;
      return L4Class.Flow;
    }
    if (type === Icmpv6Type.DestinationUnreachable || type === Icmpv6Type.PacketTooBig)
      return L4Class.IcmpError;
    return Drop.icmpType;
  }
  return Drop.unsupportedProtocol;
}

export function protocolName(protocol: number): string {
  switch (protocol) {
    case IpProtocol.TCP:
      return "tcp";
    case IpProtocol.UDP:
      return "udp";
    case IpProtocol.ICMP:
      return "icmp";
    case IpProtocol.ICMPv6:
      return "icmpv6";
    default:
      return `ip-proto-${protocol}`;
  }
}
