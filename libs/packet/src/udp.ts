import { readU16, writeU16 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import { Fragment, type Layout } from "./layout.js";

export const UDP_HEADER_LENGTH = 8;

/** Offsets within the UDP header (RFC 768). */
export const UdpOffset = {
  srcPort: 0,
  dstPort: 2,
  length: 4,
  checksum: 6,
} as const;

/** UDP datagram fields for builders. */
export interface UdpSpec {
  kind: "udp";
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array;
  /** Send checksum 0 ("not computed"); only allowed over IPv4. */
  noChecksum?: boolean;
}

/** Writes header and payload with a zero checksum; returns the end offset. */
export function writeUdp(b: Uint8Array, offset: number, spec: UdpSpec): number {
  const length = UDP_HEADER_LENGTH + (spec.payload?.length ?? 0);
  writeU16(b, offset + UdpOffset.srcPort, spec.srcPort);
  writeU16(b, offset + UdpOffset.dstPort, spec.dstPort);
  writeU16(b, offset + UdpOffset.length, length);
  writeU16(b, offset + UdpOffset.checksum, 0);
  if (spec.payload) b.set(spec.payload, offset + UDP_HEADER_LENGTH);
  return offset + length;
}

/**
 * Validates the UDP header at `layout.l4Offset`. The UDP length may be shorter than the IP payload
 * (trailing bytes are ignored, as Linux does) but not longer. In a fragment or an ICMP-quoted
 * header it describes the whole datagram, so it is not checked against the bytes present.
 */
export function parseUdpLayer(layout: Layout, b: Uint8Array): DropReason | undefined {
  const offset = layout.l4Offset;
  if (layout.ipEnd - offset < UDP_HEADER_LENGTH) return "truncated-l4";
  const length = readU16(b, offset + UdpOffset.length);
  if (length < UDP_HEADER_LENGTH) return "bad-udp-length";
  if (layout.fragment === Fragment.None && !layout.embedded) {
    if (offset + length > layout.ipEnd) return "bad-udp-length";
    layout.payloadEnd = offset + length;
  }
  layout.payloadOffset = offset + UDP_HEADER_LENGTH;
  layout.l4ChecksumOffset = offset + UdpOffset.checksum;
  return undefined;
}
