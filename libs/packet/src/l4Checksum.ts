import { readU16, readU32, writeU16 } from "./bytes.js";
import { finishChecksum, foldSum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, sumBytes } from "./checksum.js";
import { IpProtocol } from "./ipProtocol.js";
import { Ipv4Offset } from "./ipv4.js";
import { Ipv6Offset } from "./ipv6.js";

/** The parts of a parsed packet the upper-layer checksum depends on. */
export interface L4ChecksumScope {
  ipVersion: number;
  l3Offset: number;
  protocol: number;
  l4Offset: number;
  /** End of the upper-layer message: the UDP length for UDP, else the end of the IP packet. */
  payloadEnd: number;
}

/**
 * Sum of the upper-layer message and, except for ICMPv4, the pseudo-header (RFC 768, RFC 9293,
 * RFC 8200 section 8.1). The IPv6 destination used is the header's, so a packet with a routing header
 * (whose pseudo-header uses the final destination) is not supported.
 */
export function l4Sum(b: Uint8Array, scope: L4ChecksumScope): number {
  const length = scope.payloadEnd - scope.l4Offset;
  const sum = sumBytes(b, scope.l4Offset, length);
  if (scope.protocol === IpProtocol.ICMP) return sum;
  if (scope.ipVersion === 4) {
    return (
      sum +
      ipv4PseudoHeaderSum(
        readU32(b, scope.l3Offset + Ipv4Offset.src),
        readU32(b, scope.l3Offset + Ipv4Offset.dst),
        scope.protocol,
        length,
      )
    );
  }
  return sum + ipv6PseudoHeaderSum(b, scope.l3Offset + Ipv6Offset.src, scope.protocol, length);
}

/** True if the message's checksum (at `checksumOffset`) is right; UDP over IPv4 may omit it (0). */
export function l4ChecksumValid(b: Uint8Array, scope: L4ChecksumScope, checksumOffset: number): boolean {
  if (scope.protocol === IpProtocol.UDP && readU16(b, checksumOffset) === 0) return scope.ipVersion === 4;
  return foldSum(l4Sum(b, scope)) === 0xffff;
}

/** Computes and stores the checksum at `checksumOffset`. */
export function writeL4Checksum(b: Uint8Array, scope: L4ChecksumScope, checksumOffset: number): void {
  writeU16(b, checksumOffset, 0);
  let checksum = finishChecksum(l4Sum(b, scope));
  // UDP reserves 0 for "no checksum"; a computed 0 is sent as its other representation, 0xffff.
  if (checksum === 0 && scope.protocol === IpProtocol.UDP) checksum = 0xffff;
  writeU16(b, checksumOffset, checksum);
}
