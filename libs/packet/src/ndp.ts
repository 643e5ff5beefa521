import { buildPacket } from "./buildPacket.js";
import { readU8, readU16, readU32, writeU32 } from "./bytes.js";
import type { EthernetSpec } from "./ethernet.js";
import type { Frame } from "./frame.js";
import { Icmpv6Type } from "./icmpv6.js";
import { type Ipv6Address, parseIpv6 } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import type { MacAddress } from "./mac.js";

/** Neighbor discovery (RFC 4861) on top of ICMPv6: reading and building RS, RA, NS and NA. */

export const NdpOptionType = {
  SourceLinkLayerAddress: 1,
  TargetLinkLayerAddress: 2,
  PrefixInformation: 3,
  RedirectedHeader: 4,
  Mtu: 5,
} as const;

/** Flag bits in the 32-bit word after the NA checksum. */
export const NeighborAdvertisementFlag = {
  Router: 0x80000000,
  Solicited: 0x40000000,
  Override: 0x20000000,
} as const;

/** Flag bits in the RA flags byte. */
export const RouterAdvertisementFlag = {
  Managed: 0x80,
  Other: 0x40,
} as const;

/** NDP messages must arrive with hop limit 255, proof they were not forwarded (RFC 4861 6.1). */
export const NDP_HOP_LIMIT = 255;

export const ALL_NODES: Ipv6Address = parseIpv6("ff02::1")!;
export const ALL_ROUTERS: Ipv6Address = parseIpv6("ff02::2")!;

export interface NdpOption {
  type: number;
  /** Option bytes after type and length (a view into the frame). */
  data: Uint8Array;
}

/** The options of an NDP frame, in order (the parser has checked they are well-formed). */
export function ndpOptions(frame: Frame): NdpOption[] {
  const out: NdpOption[] = [];
  for (let p = frame.payloadOffset; p + 2 <= frame.payloadEnd; ) {
    const length = readU8(frame.buf, p + 1) << 3;
    if (length === 0 || p + length > frame.payloadEnd) break;
    out.push({ type: readU8(frame.buf, p), data: frame.buf.subarray(p + 2, p + length) });
    p += length;
  }
  return out;
}

/** The first source/target link-layer address option (Ethernet: 6 bytes), if any. */
export function ndpLinkLayerAddress(frame: Frame, optionType: number): MacAddress | undefined {
  for (const option of ndpOptions(frame)) {
    if (option.type === optionType && option.data.length >= 6) return option.data.subarray(0, 6);
  }
  return undefined;
}

export type NdpMessage =
  | { type: typeof Icmpv6Type.RouterSolicitation; sourceLinkLayerAddress?: MacAddress }
  | {
      type: typeof Icmpv6Type.RouterAdvertisement;
      curHopLimit: number;
      managed: boolean;
      other: boolean;
      routerLifetime: number;
      reachableTime: number;
      retransTimer: number;
      sourceLinkLayerAddress?: MacAddress;
    }
  | { type: typeof Icmpv6Type.NeighborSolicitation; target: Ipv6Address; sourceLinkLayerAddress?: MacAddress }
  | {
      type: typeof Icmpv6Type.NeighborAdvertisement;
      target: Ipv6Address;
      router: boolean;
      solicited: boolean;
      override: boolean;
      targetLinkLayerAddress?: MacAddress;
    };

/** Reads RS, RA, NS or NA; undefined for any other frame. */
export function readNdp(frame: Frame): NdpMessage | undefined {
  if (frame.protocol !== IpProtocol.ICMPv6 || frame.ipVersion !== 6 || !frame.hasL4Header || frame.embedded) {
    return undefined;
  }
  const b = frame.buf;
  const o = frame.l4Offset;
  const source = () => ndpLinkLayerAddress(frame, NdpOptionType.SourceLinkLayerAddress);
  switch (frame.icmpType) {
    case Icmpv6Type.RouterSolicitation:
      return { type: Icmpv6Type.RouterSolicitation, sourceLinkLayerAddress: source() };
    case Icmpv6Type.RouterAdvertisement: {
      const flags = readU8(b, o + 5);
      return {
        type: Icmpv6Type.RouterAdvertisement,
        curHopLimit: readU8(b, o + 4),
        managed: (flags & RouterAdvertisementFlag.Managed) !== 0,
        other: (flags & RouterAdvertisementFlag.Other) !== 0,
        routerLifetime: readU16(b, o + 6),
        reachableTime: readU32(b, o + 8),
        retransTimer: readU32(b, o + 12),
        sourceLinkLayerAddress: source(),
      };
    }
    case Icmpv6Type.NeighborSolicitation:
      return {
        type: Icmpv6Type.NeighborSolicitation,
        target: frame.buf.subarray(o + 8, o + 24),
        sourceLinkLayerAddress: source(),
      };
    case Icmpv6Type.NeighborAdvertisement: {
      const flags = readU32(b, o + 4);
      return {
        type: Icmpv6Type.NeighborAdvertisement,
        target: frame.buf.subarray(o + 8, o + 24),
        router: (flags & NeighborAdvertisementFlag.Router) !== 0,
        solicited: (flags & NeighborAdvertisementFlag.Solicited) !== 0,
        override: (flags & NeighborAdvertisementFlag.Override) !== 0,
        targetLinkLayerAddress: ndpLinkLayerAddress(frame, NdpOptionType.TargetLinkLayerAddress),
      };
    }
    default:
      return undefined;
  }
}

/** ff02::1:ffXX:XXXX, where a node listens for solicitations of `address` (RFC 4291 2.7.1). */
export function solicitedNodeMulticast(address: Ipv6Address): Ipv6Address {
  const out = parseIpv6("ff02::1:ff00:0")!;
  out.set(address.subarray(13, 16), 13);
  return out;
}

/** 33:33 + the low 32 bits: the Ethernet address of an IPv6 multicast group (RFC 2464 section 7). */
export function ipv6MulticastMac(group: Ipv6Address): MacAddress {
  const out = new Uint8Array([0x33, 0x33, 0, 0, 0, 0]);
  out.set(group.subarray(12, 16), 2);
  return out;
}

function linkLayerOption(type: number, mac: MacAddress): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = type;
  out[1] = 1;
  out.set(mac.subarray(0, 6), 2);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface NeighborSolicitationSpec {
  ethernet?: EthernetSpec;
  src: Ipv6Address;
  /** Default: the target's solicited-node multicast group. */
  dst?: Ipv6Address;
  target: Ipv6Address;
  sourceLinkLayerAddress?: MacAddress;
}

export function buildNeighborSolicitation(spec: NeighborSolicitationSpec): Uint8Array {
  const parts = [spec.target.subarray(0, 16)];
  if (spec.sourceLinkLayerAddress) {
    parts.push(linkLayerOption(NdpOptionType.SourceLinkLayerAddress, spec.sourceLinkLayerAddress));
  }
  return buildPacket({
    ethernet: spec.ethernet,
    ip: {
      version: 6,
      src: spec.src,
      dst: spec.dst ?? solicitedNodeMulticast(spec.target),
      hopLimit: NDP_HOP_LIMIT,
    },
    l4: { kind: "icmpv6", type: Icmpv6Type.NeighborSolicitation, payload: concat(parts) },
  });
}

export interface NeighborAdvertisementSpec {
  ethernet?: EthernetSpec;
  src: Ipv6Address;
  /** The soliciting node, or all-nodes for an unsolicited advertisement (the default). */
  dst?: Ipv6Address;
  target: Ipv6Address;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  targetLinkLayerAddress?: MacAddress;
}

export function buildNeighborAdvertisement(spec: NeighborAdvertisementSpec): Uint8Array {
  const parts = [spec.target.subarray(0, 16)];
  if (spec.targetLinkLayerAddress) {
    parts.push(linkLayerOption(NdpOptionType.TargetLinkLayerAddress, spec.targetLinkLayerAddress));
  }
  const flags =
    (spec.router ? NeighborAdvertisementFlag.Router : 0) |
    (spec.solicited ? NeighborAdvertisementFlag.Solicited : 0) |
    (spec.override ? NeighborAdvertisementFlag.Override : 0);
  return buildPacket({
    ethernet: spec.ethernet,
    ip: { version: 6, src: spec.src, dst: spec.dst ?? ALL_NODES, hopLimit: NDP_HOP_LIMIT },
    l4: { kind: "icmpv6", type: Icmpv6Type.NeighborAdvertisement, rest: flags >>> 0, payload: concat(parts) },
  });
}

export interface RouterSolicitationSpec {
  ethernet?: EthernetSpec;
  src: Ipv6Address;
  /** Default all-routers. */
  dst?: Ipv6Address;
  sourceLinkLayerAddress?: MacAddress;
}

export function buildRouterSolicitation(spec: RouterSolicitationSpec): Uint8Array {
  const payload = spec.sourceLinkLayerAddress
    ? linkLayerOption(NdpOptionType.SourceLinkLayerAddress, spec.sourceLinkLayerAddress)
    : undefined;
  return buildPacket({
    ethernet: spec.ethernet,
    ip: { version: 6, src: spec.src, dst: spec.dst ?? ALL_ROUTERS, hopLimit: NDP_HOP_LIMIT },
    l4: { kind: "icmpv6", type: Icmpv6Type.RouterSolicitation, payload },
  });
}

export interface PrefixInformation {
  prefix: Ipv6Address;
  length: number;
  onLink?: boolean;
  autonomous?: boolean;
  /** Seconds; 0xffffffff is infinity. */
  validLifetime?: number;
  preferredLifetime?: number;
}

export interface RouterAdvertisementSpec {
  ethernet?: EthernetSpec;
  src: Ipv6Address;
  /** Default all-nodes. */
  dst?: Ipv6Address;
  curHopLimit?: number;
  managed?: boolean;
  other?: boolean;
  /** Seconds; dpservice advertises 0xffff. */
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  sourceLinkLayerAddress?: MacAddress;
  mtu?: number;
  prefixes?: readonly PrefixInformation[];
}

export function buildRouterAdvertisement(spec: RouterAdvertisementSpec): Uint8Array {
  const fixed = new Uint8Array(8);
  writeU32(fixed, 0, spec.reachableTime ?? 0);
  writeU32(fixed, 4, spec.retransTimer ?? 0);
  const parts: Uint8Array[] = [fixed];
  if (spec.sourceLinkLayerAddress) {
    parts.push(linkLayerOption(NdpOptionType.SourceLinkLayerAddress, spec.sourceLinkLayerAddress));
  }
  if (spec.mtu !== undefined) {
    const mtu = new Uint8Array(8);
    mtu[0] = NdpOptionType.Mtu;
    mtu[1] = 1;
    writeU32(mtu, 4, spec.mtu);
    parts.push(mtu);
  }
  for (const p of spec.prefixes ?? []) {
    const option = new Uint8Array(32);
    option[0] = NdpOptionType.PrefixInformation;
    option[1] = 4;
    option[2] = p.length;
    option[3] = (p.onLink ? 0x80 : 0) | (p.autonomous ? 0x40 : 0);
    writeU32(option, 4, p.validLifetime ?? 0xffffffff);
    writeU32(option, 8, p.preferredLifetime ?? 0xffffffff);
    option.set(p.prefix.subarray(0, 16), 16);
    parts.push(option);
  }
  const flags =
    (spec.managed ? RouterAdvertisementFlag.Managed : 0) | (spec.other ? RouterAdvertisementFlag.Other : 0);
  const rest =
    (((spec.curHopLimit ?? 0) << 24) | (flags << 16) | ((spec.routerLifetime ?? 0) & 0xffff)) >>> 0;
  return buildPacket({
    ethernet: spec.ethernet,
    ip: { version: 6, src: spec.src, dst: spec.dst ?? ALL_NODES, hopLimit: NDP_HOP_LIMIT },
    l4: { kind: "icmpv6", type: Icmpv6Type.RouterAdvertisement, rest, payload: concat(parts) },
  });
}
