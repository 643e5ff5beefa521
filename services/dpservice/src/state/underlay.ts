import { formatIpv6, IPV6_LENGTH, ipv6ToBigInt } from "@ironcore-ts/packet";

/**
 * An underlay (fabric) IPv6 address in the three forms its users want: the 16 bytes the pipeline
 * copies into an outer IPv6 header, the bigint key of the underlay table (what the pipeline
 * computes from a received outer destination), and the text the API reports.
 */
export interface Underlay {
  readonly bytes: Uint8Array;
  readonly key: bigint;
  readonly text: string;
}

export function underlayFromBytes(bytes: Uint8Array): Underlay {
  if (bytes.length !== IPV6_LENGTH) throw new Error(`an underlay address has 16 bytes, got ${bytes.length}`);
  const copy = Uint8Array.from(bytes);
  return { bytes: copy, key: ipv6ToBigInt(copy), text: formatIpv6(copy) };
}
