import { copyBytes, readU8, writeU16 } from "./bytes.js";
import { type Drop, drop, isDrop } from "./dropReason.js";
import { type EthernetSpec, EtherType, ethernetHeaderLength, writeEthernetHeader } from "./ethernet.js";
import type { Frame } from "./frame.js";
import type { Ipv6Address } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import { IPV6_HEADER_LENGTH, Ipv6Offset } from "./ipv6.js";
import { type ParseOptions, parseIpPacket } from "./parse.js";

/**
 * IPv4-in-IPv6 (next header 4) and IPv6-in-IPv6 (41) as dpservice uses them between hypervisors:
 * no inner Ethernet, outer hop limit 64, traffic class and flow label 0. The VNI is not in the
 * packet: the receiver finds it from the outer destination (each interface, VIP, NAT, LB has its own
 * underlay address).
 */
export const ENCAPSULATION_OVERHEAD = IPV6_HEADER_LENGTH;

export interface UnderlaySpec {
  /** Underlay address of the sending interface (or the host's). */
  src: Ipv6Address;
  /** The route's next hop, LB target or neighbour NAT underlay. */
  dst: Ipv6Address;
  /** Default 64. */
  hopLimit?: number;
}

function nextHeaderFor(version: number): number {
  if (version === 4) return IpProtocol.IPv4;
  if (version === 6) return IpProtocol.IPv6;
  throw new RangeError(`not an IP packet (version ${version})`);
}

function writeOuterHeader(
  b: Uint8Array,
  offset: number,
  innerLength: number,
  nextHeader: number,
  outer: UnderlaySpec,
): void {
  if (innerLength > 0xffff) throw new RangeError("inner packet exceeds 65535 bytes");
  // Version 6, traffic class 0, flow label 0.
  b[offset] = 0x60;
  b[offset + 1] = 0;
  b[offset + 2] = 0;
  b[offset + 3] = 0;
  writeU16(b, offset + Ipv6Offset.payloadLength, innerLength);
  b[offset + Ipv6Offset.nextHeader] = nextHeader;
  b[offset + Ipv6Offset.hopLimit] = outer.hopLimit ?? 64;
  copyBytes(outer.src, 0, b, offset + Ipv6Offset.src, 16);
  copyBytes(outer.dst, 0, b, offset + Ipv6Offset.dst, 16);
}

/**
 * Wraps a bare IPv4 or IPv6 packet in an outer IPv6 header, into a new buffer (optionally with an
 * Ethernet header in front). Throws RangeError if `inner` is not an IP packet.
 */
export function encapsulate(inner: Uint8Array, outer: UnderlaySpec, ethernet?: EthernetSpec): Uint8Array {
  const nextHeader = nextHeaderFor((inner[0] ?? 0) >> 4);
  const l2 = ethernet ? ethernetHeaderLength(ethernet) : 0;
  const bytes = new Uint8Array(l2 + IPV6_HEADER_LENGTH + inner.length);
  if (ethernet) writeEthernetHeader(bytes, 0, ethernet, EtherType.IPv6);
  writeOuterHeader(bytes, l2, inner.length, nextHeader, outer);
  bytes.set(inner, l2 + IPV6_HEADER_LENGTH);
  return bytes;
}

/**
 * Zero-copy encapsulation: writes the outer header into the 40 bytes of headroom before the inner
 * packet at `innerOffset` and returns a view of the whole outer packet. Buffers that will be
 * encapsulated should be received with that much headroom. Throws RangeError without headroom.
 */
export function encapsulateInPlace(
  buf: Uint8Array,
  innerOffset: number,
  innerLength: number,
  outer: UnderlaySpec,
): Uint8Array {
  if (innerOffset < IPV6_HEADER_LENGTH) throw new RangeError("needs 40 bytes of headroom");
  if (innerOffset + innerLength > buf.length) throw new RangeError("inner packet exceeds buffer");
  const nextHeader = nextHeaderFor((buf[innerOffset] ?? 0) >> 4);
  const start = innerOffset - IPV6_HEADER_LENGTH;
  writeOuterHeader(buf, start, innerLength, nextHeader, outer);
  return buf.subarray(start, innerOffset + innerLength);
}

/**
 * Writes the outer header and the inner packet into `target` at `offset` (e.g. a per-worker send
 * buffer reused for every packet) and returns the number of bytes written. Allocating a buffer per
 * packet is the expensive part of {@link encapsulate}: off-heap typed arrays cost around a
 * microsecond each on Node 20. Throws RangeError if `inner` is not an IP packet or does not fit.
 */
export function encapsulateInto(
  target: Uint8Array,
  offset: number,
  inner: Uint8Array,
  outer: UnderlaySpec,
): number {
  const length = IPV6_HEADER_LENGTH + inner.length;
  if (offset + length > target.length) throw new RangeError("target buffer too small");
  writeOuterHeader(target, offset, inner.length, nextHeaderFor((inner[0] ?? 0) >> 4), outer);
  target.set(inner, offset + IPV6_HEADER_LENGTH);
  return length;
}

export interface Decapsulated {
  /**
   * The inner packet, parsed in place: it shares the outer buffer, its l3Offset is just past the
   * outer header and it has no Ethernet header. `inner.ipPacket` is a view of its bytes.
   */
  inner: Frame;
  /**
   * The outer IPv6 packet; `outer.ipv6Dst` is the underlay address that identifies the VNI and
   * target (for a Map key without a subarray: `ipv6Key(outer.buf, outer.l3Offset + Ipv6Offset.dst)`).
   */
  outer: Frame;
}

/**
 * Unwraps IPv4-in-IPv6 or IPv6-in-IPv6 from a parsed frame (with or without Ethernet) or a bare outer
 * IPv6 packet, and parses the inner packet with `options`. Never throws; anything else is a drop:
 * not a tunnel, a fragmented tunnel packet (no reassembly), or a malformed inner packet.
 */
export function decapsulate(outer: Frame | Uint8Array, options?: ParseOptions): Decapsulated | Drop {
  let frame: Frame;
  if (outer instanceof Uint8Array) {
    const parsed = parseIpPacket(outer);
    if (isDrop(parsed)) return parsed;
    frame = parsed;
  } else {
    frame = outer;
  }
  if (frame.ipVersion !== 6 || frame.embedded) return drop("not-encapsulated");
  const protocol = frame.protocol;
  if (protocol !== IpProtocol.IPv4 && protocol !== IpProtocol.IPv6) return drop("not-encapsulated");
  // The fabric MTU must carry the 40 bytes of overhead.
  if (frame.isFragment) return drop("unsupported-fragment");
  const start = frame.l4Offset;
  if (start >= frame.ipEnd) return drop(protocol === IpProtocol.IPv4 ? "truncated-ipv4" : "truncated-ipv6");
  if (readU8(frame.buf, start) >> 4 !== (protocol === IpProtocol.IPv4 ? 4 : 6)) return drop("bad-ip-version");
  const inner = parseIpPacket(frame.buf, options, start, frame.ipEnd);
  if (isDrop(inner)) return inner;
  return { inner, outer: frame };
}
