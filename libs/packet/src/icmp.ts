import { writeU16, writeU32 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import type { Layout } from "./layout.js";

/** ICMP header: type, code, checksum and the 4-byte "rest of header" (RFC 792). */
export const ICMP_HEADER_LENGTH = 8;

export const IcmpOffset = {
  type: 0,
  code: 1,
  checksum: 2,
  /** Echo identifier, or the first half of "rest of header". */
  identifier: 4,
  sequence: 6,
  /** Destination unreachable code 4: next-hop MTU (RFC 1191). */
  nextHopMtu: 6,
  /** Errors: the original IP header and leading data. */
  body: 8,
} as const;

export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  SourceQuench: 4,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
  ParameterProblem: 12,
} as const;

/** Destination unreachable codes used by a router. */
export const IcmpUnreachableCode = {
  Network: 0,
  Host: 1,
  Protocol: 2,
  Port: 3,
  FragmentationNeeded: 4,
  AdministrativelyProhibited: 13,
} as const;

/** Types whose body quotes the packet that caused them. */
export function isIcmpErrorType(type: number): boolean {
  return (
    type === IcmpType.DestinationUnreachable ||
    type === IcmpType.TimeExceeded ||
    type === IcmpType.ParameterProblem ||
    type === IcmpType.SourceQuench ||
    type === IcmpType.Redirect
  );
}

/** ICMP message fields for builders. */
export interface IcmpSpec {
  kind: "icmp";
  type: number;
  code?: number;
  /** The 32-bit "rest of header": (identifier << 16 | sequence) for echo, MTU for code 4, else 0. */
  rest?: number;
  payload?: Uint8Array;
}

/** Writes header and payload with a zero checksum; returns the end offset. */
export function writeIcmp(b: Uint8Array, offset: number, spec: IcmpSpec): number {
  b[offset + IcmpOffset.type] = spec.type;
  b[offset + IcmpOffset.code] = spec.code ?? 0;
  writeU16(b, offset + IcmpOffset.checksum, 0);
  writeU32(b, offset + IcmpOffset.identifier, spec.rest ?? 0);
  if (spec.payload) b.set(spec.payload, offset + ICMP_HEADER_LENGTH);
  return offset + ICMP_HEADER_LENGTH + (spec.payload?.length ?? 0);
}

/** Validates the 8-byte ICMP header at `layout.l4Offset`. Bodies are read on demand. */
export function parseIcmpLayer(layout: Layout): DropReason | undefined {
  const offset = layout.l4Offset;
  if (layout.ipEnd - offset < ICMP_HEADER_LENGTH) return "truncated-l4";
  layout.payloadOffset = offset + ICMP_HEADER_LENGTH;
  layout.l4ChecksumOffset = offset + IcmpOffset.checksum;
  return undefined;
}
