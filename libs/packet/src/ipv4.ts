import { readU8, readU16, writeU16, writeU32 } from "./bytes.js";
import { finishChecksum, foldSum, sumBytes } from "./checksum.js";
import type { DropReason } from "./dropReason.js";
import type { Ipv4Address } from "./ipAddress.js";
import { Fragment, type Layout } from "./layout.js";

export const IPV4_HEADER_LENGTH = 20;
export const IPV4_MAX_HEADER_LENGTH = 60;

/** Offsets within the IPv4 header (RFC 791). */
export const Ipv4Offset = {
  versionIhl: 0,
  tos: 1,
  totalLength: 2,
  identification: 4,
  flagsFragmentOffset: 6,
  ttl: 8,
  protocol: 9,
  checksum: 10,
  src: 12,
  dst: 16,
} as const;

export const Ipv4Flag = {
  DontFragment: 0x4000,
  MoreFragments: 0x2000,
} as const;

/** Fragment offset bits of the flags/fragment-offset word, in units of 8 bytes. */
export const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;

/** IPv4 header fields for builders. */
export interface Ipv4Spec {
  version: 4;
  src: Ipv4Address;
  dst: Ipv4Address;
  /** Default 64. */
  ttl?: number;
  /** DSCP and ECN byte. Default 0. */
  tos?: number;
  identification?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** Fragment offset in bytes; must be a multiple of 8. */
  fragmentOffset?: number;
  /** Raw options; padded with zero (end-of-option-list) bytes to a multiple of 4, at most 40. */
  options?: Uint8Array;
}

export function ipv4HeaderLength(spec: Ipv4Spec): number {
  const optionLength = spec.options ? (spec.options.length + 3) & ~3 : 0;
  if (optionLength > IPV4_MAX_HEADER_LENGTH - IPV4_HEADER_LENGTH)
    throw new RangeError("IPv4 options exceed 40 bytes");
  return IPV4_HEADER_LENGTH + optionLength;
}

/**
 * Writes the header, checksum included, at `offset` for an upper layer of `payloadLength` bytes.
 * Returns the offset of the upper layer.
 */
export function writeIpv4Header(
  b: Uint8Array,
  offset: number,
  spec: Ipv4Spec,
  protocol: number,
  payloadLength: number,
): number {
  const headerLength = ipv4HeaderLength(spec);
  const totalLength = headerLength + payloadLength;
  if (totalLength > 0xffff) throw new RangeError("IPv4 packet exceeds 65535 bytes");
  b[offset + Ipv4Offset.versionIhl] = 0x40 | (headerLength >> 2);
  b[offset + Ipv4Offset.tos] = spec.tos ?? 0;
  writeU16(b, offset + Ipv4Offset.totalLength, totalLength);
  writeU16(b, offset + Ipv4Offset.identification, spec.identification ?? 0);
  const flags =
    (spec.dontFragment ? Ipv4Flag.DontFragment : 0) |
    (spec.moreFragments ? Ipv4Flag.MoreFragments : 0) |
    (((spec.fragmentOffset ?? 0) >> 3) & IPV4_FRAGMENT_OFFSET_MASK);
  writeU16(b, offset + Ipv4Offset.flagsFragmentOffset, flags);
  b[offset + Ipv4Offset.ttl] = spec.ttl ?? 64;
  b[offset + Ipv4Offset.protocol] = protocol;
  writeU16(b, offset + Ipv4Offset.checksum, 0);
  writeU32(b, offset + Ipv4Offset.src, spec.src);
  writeU32(b, offset + Ipv4Offset.dst, spec.dst);
  if (spec.options) {
    b.fill(0, offset + IPV4_HEADER_LENGTH, offset + headerLength);
    b.set(spec.options, offset + IPV4_HEADER_LENGTH);
  }
  writeU16(b, offset + Ipv4Offset.checksum, finishChecksum(sumBytes(b, offset, headerLength)));
  return offset + headerLength;
}

/**
 * Validates the IPv4 header at `offset` and records it in `layout`. Options are skipped via IHL.
 * `embedded` accepts a packet cut short after its header, as quoted in an ICMP error.
 */
export function parseIpv4Layer(
  layout: Layout,
  b: Uint8Array,
  offset: number,
  end: number,
  verifyChecksum: boolean,
  embedded: boolean,
): DropReason | undefined {
  if (end - offset < IPV4_HEADER_LENGTH) return "truncated-ipv4";
  const versionIhl = readU8(b, offset);
  if (versionIhl >> 4 !== 4) return "bad-ip-version";
  const headerLength = (versionIhl & 0x0f) << 2;
  if (headerLength < IPV4_HEADER_LENGTH) return "bad-ipv4-header-length";
  if (offset + headerLength > end) return "truncated-ipv4";
  const totalLength = readU16(b, offset + Ipv4Offset.totalLength);
  if (totalLength < headerLength) return "bad-ipv4-total-length";
  let ipEnd = offset + totalLength;
  if (ipEnd > end) {
    if (!embedded) return "truncated-ipv4";
    ipEnd = end;
  }
  // A header that sums to all ones (negative zero) with its checksum included is intact.
  if (verifyChecksum && foldSum(sumBytes(b, offset, headerLength)) !== 0xffff) return "bad-ipv4-checksum";
  const fragment = readU16(b, offset + Ipv4Offset.flagsFragmentOffset);
  layout.fragment =
    (fragment & IPV4_FRAGMENT_OFFSET_MASK) !== 0
      ? Fragment.Later
      : (fragment & Ipv4Flag.MoreFragments) !== 0
        ? Fragment.First
        : Fragment.None;
  layout.ipVersion = 4;
  layout.l3Offset = offset;
  layout.ipEnd = ipEnd;
  layout.protocol = readU8(b, offset + Ipv4Offset.protocol);
  layout.l4Offset = offset + headerLength;
  return undefined;
}
