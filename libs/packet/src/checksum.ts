/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Sums are kept as plain JavaScript numbers, folded to 16 bits only when needed: adding 32-bit words
 * cannot lose precision below 2^53, i.e. for any packet up to 64 KiB many times over.
 */

/** Folds a wide ones'-complement sum to 16 bits with end-around carry. */
export function foldSum(sum: number): number {
  // `>>>` would truncate sums above 2^32, so divide instead while the sum is that large.
  while (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * Adds the bytes [offset, offset+length) as big-endian 16-bit words to `initial` and returns the
 * unfolded sum. An odd final byte is padded with a zero byte, as RFC 1071 specifies.
 */
export function sumBytes(b: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  // Two words per iteration; the sum stays far below 2^53 for any IP packet.
  const end4 = end - 3;
  for (; i < end4; i += 4) sum += ((b[i]! << 8) | b[i + 1]!) + ((b[i + 2]! << 8) | b[i + 3]!);
  if (i + 1 < end) {
    sum += (b[i]! << 8) | b[i + 1]!;
    i += 2;
  }
  if (i < end) sum += b[i]! << 8;
  return sum;
}

/** The checksum field value for a sum: ones' complement of the folded sum. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** The Internet checksum of bytes [offset, offset+length). */
export function internetChecksum(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
  return finishChecksum(sumBytes(bytes, offset, length));
}

/** Sum of the IPv4 pseudo-header (RFC 793/768): addresses, zero+protocol, upper-layer length. */
export function ipv4PseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * Sum of the IPv6 pseudo-header (RFC 8200 section 8.1), reading both addresses from the packet
 * (source at `addressesOffset`, destination 16 bytes later, as in the fixed header).
 */
export function ipv6PseudoHeaderSum(
  b: Uint8Array,
  addressesOffset: number,
  nextHeader: number,
  length: number,
): number {
  return sumBytes(b, addressesOffset, 32, nextHeader + (length >>> 16) + (length & 0xffff));
}

/** Sum of the IPv6 pseudo-header for addresses given separately. */
export function ipv6PseudoHeaderSumOf(
  src: Uint8Array,
  dst: Uint8Array,
  nextHeader: number,
  length: number,
): number {
  return sumBytes(dst, 0, 16, sumBytes(src, 0, 16, nextHeader + (length >>> 16) + (length & 0xffff)));
}

// ---------------------------------------------------------------------------------------------
// Incremental update (RFC 1624, equation 3: HC' = ~(~HC + ~m + m')).
//
// A rewrite is expressed as a delta (~m + m') so that one field change can be applied to several
// checksums (IPv4 header, TCP/UDP, and the checksum of an ICMP error carrying the header).

/** Delta for a 16-bit field changing from `oldValue` to `newValue`. */
export function checksumDelta16(oldValue: number, newValue: number): number {
  return (~oldValue & 0xffff) + (newValue & 0xffff);
}

/** Delta for a 32-bit field (an IPv4 address) changing from `oldValue` to `newValue`. */
export function checksumDelta32(oldValue: number, newValue: number): number {
  return (
    (~oldValue & 0xffff) + (~(oldValue >>> 16) & 0xffff) + (newValue & 0xffff) + ((newValue >>> 16) & 0xffff)
  );
}

/** Delta for `length` bytes at `oldOffset` in `oldBytes` replaced by those at `newOffset` in `newBytes`. */
export function checksumDeltaBytes(
  oldBytes: Uint8Array,
  oldOffset: number,
  newBytes: Uint8Array,
  newOffset: number,
  length: number,
): number {
  // ~m summed word by word equals (0xffff * words) - sum(m); in ones' complement arithmetic that is
  // the complement of the folded sum.
  const oldSum = foldSum(sumBytes(oldBytes, oldOffset, length));
  return (~oldSum & 0xffff) + sumBytes(newBytes, newOffset, length);
}

/** Applies a delta to a checksum field value. */
export function applyChecksumDelta(checksum: number, delta: number): number {
  return ~foldSum((~checksum & 0xffff) + delta) & 0xffff;
}

/** RFC 1624 equation 3 for one 16-bit field. */
export function updateChecksum16(checksum: number, oldValue: number, newValue: number): number {
  return applyChecksumDelta(checksum, checksumDelta16(oldValue, newValue));
}

/** RFC 1624 equation 3 for a 32-bit field such as an IPv4 address. */
export function updateChecksum32(checksum: number, oldValue: number, newValue: number): number {
  return applyChecksumDelta(checksum, checksumDelta32(oldValue, newValue));
}
