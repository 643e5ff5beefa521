/**
 * Added to the VNI (24 bits) in the keys of load-balanced flows. A packet the LB node sends to a
 * local backend comes back through the fabric with the same VNI and inner tuple; upstream tells
 * the two apart by the VNF type in its key, we by this key space of their own.
 */
export const LB_KEY_SPACE = 0x1000000;

/**
 * Conntrack keys: (VNI, source, destination, source port, destination port, protocol). For ICMP
 * echo both "ports" are the identifier, so a request and its reply map to the same flow.
 *
 * IPv4 keys are four int32 words for FlowTableV4 (no allocation per packet):
 *   w0 = source, w1 = destination, w2 = source port << 16 | destination port,
 *   w3 = key VNI (24 bits + LB_KEY_SPACE) * 8 + a 3-bit protocol code.
 * IPv6 keys are strings of 21 16-bit code units for a Map (String.fromCharCode from numbers: one
 * allocation, hashed once, no number-to-text conversion).
 */

/** Word 2 of an IPv4 key. */
export function keyWord2(srcPort: number, dstPort: number): number {
  return (srcPort << 16) | dstPort;
}

/** Word 3 of an IPv4 key. */
export function keyWord3(keyVni: number, protocol: number): number {
  const code = protocol === 6 ? 1 : protocol === 17 ? 2 : protocol === 1 ? 3 : protocol === 58 ? 4 : 5;
  return keyVni * 8 + code;
}

/** IPv6 key from the 16-byte addresses at `srcAt` in `srcBuf` and `dstAt` in `dstBuf`. */
export function flowKeyV6(
  vni: number,
  srcBuf: Uint8Array,
  srcAt: number,
  dstBuf: Uint8Array,
  dstAt: number,
  srcPort: number,
  dstPort: number,
  protocol: number,
): string {
  const s = srcBuf;
  const d = dstBuf;
  const a = srcAt;
  const b = dstAt;
  return String.fromCharCode(
    vni >>> 16,
    vni & 0xffff,
    (s[a]! << 8) | s[a + 1]!,
    (s[a + 2]! << 8) | s[a + 3]!,
    (s[a + 4]! << 8) | s[a + 5]!,
    (s[a + 6]! << 8) | s[a + 7]!,
    (s[a + 8]! << 8) | s[a + 9]!,
    (s[a + 10]! << 8) | s[a + 11]!,
    (s[a + 12]! << 8) | s[a + 13]!,
    (s[a + 14]! << 8) | s[a + 15]!,
    (d[b]! << 8) | d[b + 1]!,
    (d[b + 2]! << 8) | d[b + 3]!,
    (d[b + 4]! << 8) | d[b + 5]!,
    (d[b + 6]! << 8) | d[b + 7]!,
    (d[b + 8]! << 8) | d[b + 9]!,
    (d[b + 10]! << 8) | d[b + 11]!,
    (d[b + 12]! << 8) | d[b + 13]!,
    (d[b + 14]! << 8) | d[b + 15]!,
    srcPort,
    dstPort,
    protocol,
  );
}
