import { copyBytes, readU8, readU16, writeU16, writeU32 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import type { Ipv6Address } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import { Fragment, type Layout } from "./layout.js";

export const IPV6_HEADER_LENGTH = 40;
export const IPV6_FRAGMENT_HEADER_LENGTH = 8;

/** Offsets within the fixed IPv6 header (RFC 8200). */
export const Ipv6Offset = {
  versionClassFlow: 0,
  payloadLength: 4,
  nextHeader: 6,
  hopLimit: 7,
  src: 8,
  dst: 24,
} as const;

/** An extension header for builders. */
export type Ipv6ExtensionSpec =
  | {
      /** Hop-by-hop options, routing, or destination options. */
      type: typeof IpProtocol.HopByHop | typeof IpProtocol.Routing | typeof IpProtocol.DestinationOptions;
      /**
       * Header bytes after next-header and length; zero-padded so the header is a multiple of 8
       * (zero bytes are Pad1 options).
       */
      data: Uint8Array;
    }
  | {
      type: typeof IpProtocol.Fragment;
      identification: number;
      /** In bytes; a multiple of 8. */
      fragmentOffset: number;
      moreFragments: boolean;
    };

/** IPv6 header fields for builders. */
export interface Ipv6Spec {
  version: 6;
  src: Ipv6Address;
  dst: Ipv6Address;
  /** Default 64. */
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  /** Extension headers in order; RFC 8200 puts hop-by-hop first. */
  extensions?: readonly Ipv6ExtensionSpec[];
}

function extensionLength(ext: Ipv6ExtensionSpec): number {
  if (ext.type === IpProtocol.Fragment) return IPV6_FRAGMENT_HEADER_LENGTH;
  const length = (ext.data.length + 2 + 7) & ~7;
  if (length > 2048) throw new RangeError("IPv6 extension header exceeds 2048 bytes");
  return length;
}

/** Fixed header plus extension headers. */
export function ipv6HeaderLength(spec: Ipv6Spec): number {
  let length = IPV6_HEADER_LENGTH;
  for (const ext of spec.extensions ?? []) length += extensionLength(ext);
  return length;
}

/**
 * Writes the fixed header and extension headers at `offset`; `protocol` is the upper layer that
 * follows them and `upperLength` its length. Returns the offset of the upper layer.
 */
export function writeIpv6Header(
  b: Uint8Array,
  offset: number,
  spec: Ipv6Spec,
  protocol: number,
  upperLength: number,
): number {
  const headerLength = ipv6HeaderLength(spec);
  const payloadLength = headerLength - IPV6_HEADER_LENGTH + upperLength;
  if (payloadLength > 0xffff)
    throw new RangeError("IPv6 payload exceeds 65535 bytes (jumbograms unsupported)");
  const extensions = spec.extensions ?? [];
  writeU32(
    b,
    offset + Ipv6Offset.versionClassFlow,
    (6 << 28) | (((spec.trafficClass ?? 0) & 0xff) << 20) | ((spec.flowLabel ?? 0) & 0xfffff),
  );
  writeU16(b, offset + Ipv6Offset.payloadLength, payloadLength);
  b[offset + Ipv6Offset.nextHeader] = extensions[0]?.type ?? protocol;
  b[offset + Ipv6Offset.hopLimit] = spec.hopLimit ?? 64;
  copyBytes(spec.src, 0, b, offset + Ipv6Offset.src, 16);
  copyBytes(spec.dst, 0, b, offset + Ipv6Offset.dst, 16);
  let p = offset + IPV6_HEADER_LENGTH;
  for (let i = 0; i < extensions.length; i++) {
    const ext = extensions[i]!;
    const length = extensionLength(ext);
    b.fill(0, p, p + length);
    b[p] = extensions[i + 1]?.type ?? protocol;
    if (ext.type === IpProtocol.Fragment) {
      writeU16(b, p + 2, (ext.fragmentOffset & 0xfff8) | (ext.moreFragments ? 1 : 0));
      writeU32(b, p + 4, ext.identification);
    } else {
      b[p + 1] = length / 8 - 1;
      b.set(ext.data, p + 2);
    }
    p += length;
  }
  return p;
}

/**
 * Validates the IPv6 header at `offset`, walks hop-by-hop, routing, destination-options and
 * fragment headers to the upper layer, and records it in `layout`. A later fragment ends the walk:
 * its upper-layer header is in the first fragment. Jumbograms (payload length 0 with a hop-by-hop
 * jumbo option) are not supported and read as an empty payload.
 */
export function parseIpv6Layer(
  layout: Layout,
  b: Uint8Array,
  offset: number,
  end: number,
  embedded: boolean,
): DropReason | undefined {
  if (end - offset < IPV6_HEADER_LENGTH) return "truncated-ipv6";
  if (readU8(b, offset) >> 4 !== 6) return "bad-ip-version";
  let ipEnd = offset + IPV6_HEADER_LENGTH + readU16(b, offset + Ipv6Offset.payloadLength);
  if (ipEnd > end) {
    if (!embedded) return "truncated-ipv6";
    ipEnd = end;
  }
  let next = readU8(b, offset + Ipv6Offset.nextHeader);
  let p = offset + IPV6_HEADER_LENGTH;
  let fragment: Layout["fragment"] = Fragment.None;
  for (;;) {
    if (
      next === IpProtocol.HopByHop ||
      next === IpProtocol.Routing ||
      next === IpProtocol.DestinationOptions
    ) {
      // Hop-by-hop is only valid straight after the fixed header (RFC 8200 section 4.1).
      if (next === IpProtocol.HopByHop && p !== offset + IPV6_HEADER_LENGTH) return "bad-ipv6-extension";
      if (p + 8 > ipEnd) return "truncated-ipv6-extension";
      const length = (readU8(b, p + 1) + 1) << 3;
      if (p + length > ipEnd) return "truncated-ipv6-extension";
      next = readU8(b, p);
      p += length;
    } else if (next === IpProtocol.Fragment) {
      if (p + IPV6_FRAGMENT_HEADER_LENGTH > ipEnd) return "truncated-ipv6-extension";
      const offsetFlags = readU16(b, p + 2);
      next = readU8(b, p);
      p += IPV6_FRAGMENT_HEADER_LENGTH;
      if ((offsetFlags & 0xfff8) !== 0) {
        fragment = Fragment.Later;
        break;
      }
      // An "atomic fragment" (offset 0, M clear; RFC 6946) is a whole packet.
      if ((offsetFlags & 1) !== 0) fragment = Fragment.First;
    } else {
      break;
    }
  }
  layout.ipVersion = 6;
  layout.l3Offset = offset;
  layout.ipEnd = ipEnd;
  layout.protocol = next;
  layout.l4Offset = p;
  layout.fragment = fragment;
  return undefined;
}
