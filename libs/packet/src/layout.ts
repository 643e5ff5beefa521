/** Where a packet stands with respect to fragmentation. */
export const Fragment = {
  /** Not fragmented. */
  None: 0,
  /** First fragment: the upper-layer header is present, the payload is incomplete. */
  First: 1,
  /** A later fragment: no upper-layer header at all. */
  Later: 2,
} as const;

export type FragmentState = (typeof Fragment)[keyof typeof Fragment];

/**
 * Offsets found while parsing. The parsers fill one module-level scratch layout and the Frame
 * constructor copies it, so a successful parse allocates only the Frame and its DataView and a
 * failed one allocates nothing.
 */
export interface Layout {
  /** End of the bytes that may be read (frame length, or the enclosing message's end). */
  end: number;
  /** Offset of the Ethernet header, or -1 for a bare IP packet. */
  l2Offset: number;
  /** 802.1Q tag control information, or -1 when untagged. */
  vlanTci: number;
  etherType: number;
  l3Offset: number;
  /** 4, 6, or 0 for ARP. */
  ipVersion: number;
  /** End of the IP packet by its length field: Ethernet padding lies beyond it. */
  ipEnd: number;
  /** Upper-layer protocol after any IPv6 extension headers; -1 for ARP. */
  protocol: number;
  l4Offset: number;
  payloadOffset: number;
  payloadEnd: number;
  fragment: FragmentState;
  /** Offset of the TCP/UDP/ICMP/ICMPv6 checksum field, or -1 when absent or not in the buffer. */
  l4ChecksumOffset: number;
  /** For the header embedded in an ICMP error: the offset of the enclosing ICMP checksum, else -1. */
  outerChecksumOffset: number;
  /** Parsed leniently as the (truncated) header quoted by an ICMP error. */
  embedded: boolean;
}

export function emptyLayout(): Layout {
  return {
    end: 0,
    l2Offset: -1,
    vlanTci: -1,
    etherType: 0,
    l3Offset: 0,
    ipVersion: 0,
    ipEnd: 0,
    protocol: -1,
    l4Offset: 0,
    payloadOffset: 0,
    payloadEnd: 0,
    fragment: Fragment.None,
    l4ChecksumOffset: -1,
    outerChecksumOffset: -1,
    embedded: false,
  };
}
