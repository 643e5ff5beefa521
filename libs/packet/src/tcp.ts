import { readU8, writeU16, writeU32 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import type { Layout } from "./layout.js";

export const TCP_HEADER_LENGTH = 20;

/** Offsets within the TCP header (RFC 9293). */
export const TcpOffset = {
  srcPort: 0,
  dstPort: 2,
  seq: 4,
  ack: 8,
  dataOffset: 12,
  flags: 13,
  window: 14,
  checksum: 16,
  urgentPointer: 18,
} as const;

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** TCP segment fields for builders. */
export interface TcpSpec {
  kind: "tcp";
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  /** Bitwise OR of {@link TcpFlag} values. */
  flags?: number;
  /** Default 65535. */
  window?: number;
  urgentPointer?: number;
  /** Raw options; zero-padded (end-of-option-list) to a multiple of 4, at most 40. */
  options?: Uint8Array;
  payload?: Uint8Array;
}

export function tcpHeaderLength(spec: TcpSpec): number {
  const optionLength = spec.options ? (spec.options.length + 3) & ~3 : 0;
  if (optionLength > 40) throw new RangeError("TCP options exceed 40 bytes");
  return TCP_HEADER_LENGTH + optionLength;
}

/** Writes header, options and payload with a zero checksum; returns the end offset. */
export function writeTcp(b: Uint8Array, offset: number, spec: TcpSpec): number {
  const headerLength = tcpHeaderLength(spec);
  writeU16(b, offset + TcpOffset.srcPort, spec.srcPort);
  writeU16(b, offset + TcpOffset.dstPort, spec.dstPort);
  writeU32(b, offset + TcpOffset.seq, spec.seq ?? 0);
  writeU32(b, offset + TcpOffset.ack, spec.ack ?? 0);
  b[offset + TcpOffset.dataOffset] = (headerLength >> 2) << 4;
  b[offset + TcpOffset.flags] = spec.flags ?? 0;
  writeU16(b, offset + TcpOffset.window, spec.window ?? 0xffff);
  writeU16(b, offset + TcpOffset.checksum, 0);
  writeU16(b, offset + TcpOffset.urgentPointer, spec.urgentPointer ?? 0);
  if (spec.options) {
    b.fill(0, offset + TCP_HEADER_LENGTH, offset + headerLength);
    b.set(spec.options, offset + TCP_HEADER_LENGTH);
  }
  if (spec.payload) b.set(spec.payload, offset + headerLength);
  return offset + headerLength + (spec.payload?.length ?? 0);
}

/**
 * Validates the TCP header at `layout.l4Offset`; options are skipped via the data offset. An
 * embedded (ICMP-quoted) header needs only its first 8 bytes: ports and sequence number.
 */
export function parseTcpLayer(layout: Layout, b: Uint8Array): DropReason | undefined {
  const offset = layout.l4Offset;
  const available = layout.ipEnd - offset;
  if (layout.embedded && available < TCP_HEADER_LENGTH) {
    if (available < 8) return "truncated-l4";
    layout.payloadOffset = layout.ipEnd;
    if (available >= TcpOffset.checksum + 2) layout.l4ChecksumOffset = offset + TcpOffset.checksum;
    return undefined;
  }
  if (available < TCP_HEADER_LENGTH) return "truncated-l4";
  const headerLength = (readU8(b, offset + TcpOffset.dataOffset) >> 4) << 2;
  if (headerLength < TCP_HEADER_LENGTH) return "bad-tcp-data-offset";
  if (headerLength > available) {
    if (!layout.embedded) return "truncated-l4";
    layout.payloadOffset = layout.ipEnd;
  } else {
    layout.payloadOffset = offset + headerLength;
  }
  layout.l4ChecksumOffset = offset + TcpOffset.checksum;
  return undefined;
}
