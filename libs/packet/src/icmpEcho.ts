import { buildPacket, type IpSpec } from "./buildPacket.js";
import type { EthernetSpec } from "./ethernet.js";
import type { Frame } from "./frame.js";
import { IcmpType } from "./icmp.js";
import { Icmpv6Type } from "./icmpv6.js";
import { IpProtocol } from "./ipProtocol.js";

export interface IcmpEchoSpec {
  ethernet?: EthernetSpec;
  /** IPv4 builds ICMP echo, IPv6 builds ICMPv6 echo. */
  ip: IpSpec;
  /** Reply instead of request. */
  reply?: boolean;
  identifier: number;
  sequence: number;
  data?: Uint8Array;
}

/** Builds an ICMP or ICMPv6 echo request or reply. */
export function buildIcmpEcho(spec: IcmpEchoSpec): Uint8Array {
  const rest = (((spec.identifier & 0xffff) << 16) | (spec.sequence & 0xffff)) >>> 0;
  return buildPacket({
    ethernet: spec.ethernet,
    ip: spec.ip,
    l4:
      spec.ip.version === 4
        ? {
            kind: "icmp",
            type: spec.reply ? IcmpType.EchoReply : IcmpType.EchoRequest,
            rest,
            payload: spec.data,
          }
        : {
            kind: "icmpv6",
            type: spec.reply ? Icmpv6Type.EchoReply : Icmpv6Type.EchoRequest,
            rest,
            payload: spec.data,
          },
  });
}

/**
 * The reply to an echo request: addresses swapped, identifier, sequence and data echoed (RFC 792,
 * RFC 4443 section 4.2). dpservice answers pings to LB and NAT addresses this way. Returns
 * undefined if `request` is not an echo request.
 */
export function buildEchoReply(
  request: Frame,
  options: { ethernet?: EthernetSpec; ttl?: number } = {},
): Uint8Array | undefined {
  if (!request.isIcmpEcho || request.isFragment || request.embedded) return undefined;
  const v4 = request.protocol === IpProtocol.ICMP;
  if (request.icmpType !== (v4 ? IcmpType.EchoRequest : Icmpv6Type.EchoRequest)) return undefined;
  if (request.ipVersion !== (v4 ? 4 : 6)) return undefined;
  const ip: IpSpec =
    request.ipVersion === 4
      ? { version: 4, src: request.ipv4Dst, dst: request.ipv4Src, ttl: options.ttl }
      : { version: 6, src: request.ipv6Dst.slice(), dst: request.ipv6Src.slice(), hopLimit: options.ttl };
  return buildIcmpEcho({
    ethernet: options.ethernet,
    ip,
    reply: true,
    identifier: request.icmpIdentifier,
    sequence: request.icmpSequence,
    data: request.payload,
  });
}
