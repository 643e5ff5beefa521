import { readU8, writeU16, writeU32 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import type { Layout } from "./layout.js";

/** Type, code, checksum and the 4-byte message-specific word (RFC 4443). */
export const ICMPV6_HEADER_LENGTH = 8;

export const Icmpv6Offset = {
  type: 0,
  code: 1,
  checksum: 2,
  identifier: 4,
  sequence: 6,
  /** Packet too big: MTU. */
  mtu: 4,
  body: 8,
} as const;

export const Icmpv6Type = {
  DestinationUnreachable: 1,
  PacketTooBig: 2,
  TimeExceeded: 3,
  ParameterProblem: 4,
  EchoRequest: 128,
  EchoReply: 129,
  RouterSolicitation: 133,
  RouterAdvertisement: 134,
  NeighborSolicitation: 135,
  NeighborAdvertisement: 136,
  Redirect: 137,
} as const;

/** Types whose body quotes the packet that caused them (RFC 4443: types below 128). */
export function isIcmpv6ErrorType(type: number): boolean {
  return type >= Icmpv6Type.DestinationUnreachable && type <= Icmpv6Type.ParameterProblem;
}

/** Neighbor discovery messages (RFC 4861), which carry options. */
export function isNdpType(type: number): boolean {
  return type >= Icmpv6Type.RouterSolicitation && type <= Icmpv6Type.Redirect;
}

/**
 * Length of the fixed part of each message this library reads, i.e. where data or NDP options start.
 * Unknown types need only the 4-byte common header.
 */
export function icmpv6FixedLength(type: number): number {
  switch (type) {
    case Icmpv6Type.RouterAdvertisement:
      return 16;
    case Icmpv6Type.NeighborSolicitation:
    case Icmpv6Type.NeighborAdvertisement:
      return 24;
    case Icmpv6Type.Redirect:
      return 40;
    default:
      return isIcmpv6ErrorType(type) ||
        type === Icmpv6Type.EchoRequest ||
        type === Icmpv6Type.EchoReply ||
        type === Icmpv6Type.RouterSolicitation
        ? ICMPV6_HEADER_LENGTH
        : 4;
  }
}

/** ICMPv6 message fields for builders. */
export interface Icmpv6Spec {
  kind: "icmpv6";
  type: number;
  code?: number;
  /** The 32-bit word after the checksum: (identifier << 16 | sequence) for echo, MTU, NA flags... */
  rest?: number;
  payload?: Uint8Array;
}

/** Writes header and payload with a zero checksum; returns the end offset. */
export function writeIcmpv6(b: Uint8Array, offset: number, spec: Icmpv6Spec): number {
  b[offset + Icmpv6Offset.type] = spec.type;
  b[offset + Icmpv6Offset.code] = spec.code ?? 0;
  writeU16(b, offset + Icmpv6Offset.checksum, 0);
  writeU32(b, offset + Icmpv6Offset.identifier, spec.rest ?? 0);
  if (spec.payload) b.set(spec.payload, offset + ICMPV6_HEADER_LENGTH);
  return offset + ICMPV6_HEADER_LENGTH + (spec.payload?.length ?? 0);
}

/**
 * Validates the ICMPv6 message at `layout.l4Offset`: its fixed part must be present and NDP options
 * well-formed (each at least 8 bytes, inside the message), so readers can walk them without checks.
 */
export function parseIcmpv6Layer(layout: Layout, b: Uint8Array): DropReason | undefined {
  const offset = layout.l4Offset;
  const end = layout.ipEnd;
  if (end - offset < 4) return "truncated-l4";
  const type = readU8(b, offset + Icmpv6Offset.type);
  const fixed = icmpv6FixedLength(type);
  if (end - offset < fixed) return "truncated-l4";
  layout.payloadOffset = offset + fixed;
  layout.l4ChecksumOffset = offset + Icmpv6Offset.checksum;
  if (isNdpType(type) && !layout.embedded) {
    for (let p = offset + fixed; p < end; ) {
      if (end - p < 2) return "bad-ndp-option";
      const length = readU8(b, p + 1) << 3;
      if (length === 0 || p + length > end) return "bad-ndp-option";
      p += length;
    }
  }
  return undefined;
}
