import { buildPacket } from "./buildPacket.js";
import type { EthernetSpec } from "./ethernet.js";
import type { Frame } from "./frame.js";
import { Icmpv6Type } from "./icmpv6.js";
import type { Ipv4Address, Ipv6Address } from "./ipAddress.js";

/** RFC 1812 4.3.2.3: an ICMPv4 error should not exceed 576 bytes. */
const ICMP_ERROR_MAX_PACKET = 576;
/** RFC 4443 2.4(c): an ICMPv6 error must fit the minimum IPv6 MTU. */
const ICMPV6_ERROR_MAX_PACKET = 1280;

export interface IcmpErrorSpec {
  ethernet?: EthernetSpec;
  /** The router's address the error comes from. */
  src: Ipv4Address;
  /** IcmpType.DestinationUnreachable, TimeExceeded, ParameterProblem. */
  type: number;
  code: number;
  /** "Rest of header": the next-hop MTU for fragmentation needed, the pointer for parameter problem. */
  rest?: number;
  ttl?: number;
}

export interface Icmpv6ErrorSpec {
  ethernet?: EthernetSpec;
  src: Ipv6Address;
  /** Icmpv6Type.DestinationUnreachable, PacketTooBig, TimeExceeded, ParameterProblem. */
  type: number;
  code: number;
  /** The MTU for packet too big, the pointer for parameter problem. */
  rest?: number;
  hopLimit?: number;
}

function isUsableIpv4Source(address: Ipv4Address): boolean {
  // Not 0.0.0.0, not multicast/reserved (224/3), not limited broadcast.
  return address !== 0 && address >>> 29 !== 7;
}

/**
 * An ICMPv4 error about `original`, sent back to its source, quoting as much of it as fits in 576
 * bytes. Returns undefined where RFC 1812 4.3.2.7 forbids an error: about an ICMP error, a later
 * fragment, or a packet whose source is not a unicast address.
 */
export function buildIcmpError(original: Frame, spec: IcmpErrorSpec): Uint8Array | undefined {
  if (original.ipVersion !== 4 || original.embedded) return undefined;
  if (original.isIcmpError || !original.hasL4Header) return undefined;
  if (!isUsableIpv4Source(original.ipv4Src) || original.ipv4Dst >>> 28 === 0xe) return undefined;
  const quote = original.ipPacket.subarray(0, ICMP_ERROR_MAX_PACKET - 20 - 8);
  return buildPacket({
    ethernet: spec.ethernet,
    ip: { version: 4, src: spec.src, dst: original.ipv4Src, ttl: spec.ttl },
    l4: { kind: "icmp", type: spec.type, code: spec.code, rest: spec.rest, payload: quote },
  });
}

/**
 * An ICMPv6 error about `original`, quoting as much as fits in 1280 bytes. Returns undefined where
 * RFC 4443 2.4(e) forbids one: about an ICMPv6 error, from an unspecified or multicast source, or to
 * a multicast destination (except packet too big and parameter problem code 2).
 */
export function buildIcmpv6Error(original: Frame, spec: Icmpv6ErrorSpec): Uint8Array | undefined {
  if (original.ipVersion !== 6 || original.embedded || original.isIcmpError) return undefined;
  const src = original.ipv6Src;
  if (src[0] === 0xff || src.every((b) => b === 0)) return undefined;
  const multicastDst = original.ipv6Dst[0] === 0xff;
  const multicastAllowed =
    spec.type === Icmpv6Type.PacketTooBig || (spec.type === Icmpv6Type.ParameterProblem && spec.code === 2);
  if (multicastDst && !multicastAllowed) return undefined;
  const quote = original.ipPacket.subarray(0, ICMPV6_ERROR_MAX_PACKET - 40 - 8);
  return buildPacket({
    ethernet: spec.ethernet,
    ip: { version: 6, src: spec.src, dst: src.slice(), hopLimit: spec.hopLimit },
    l4: { kind: "icmpv6", type: spec.type, code: spec.code, rest: spec.rest, payload: quote },
  });
}
