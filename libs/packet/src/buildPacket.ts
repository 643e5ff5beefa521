import { type EthernetSpec, EtherType, ethernetHeaderLength, writeEthernetHeader } from "./ethernet.js";
import { ICMP_HEADER_LENGTH, IcmpOffset, type IcmpSpec, writeIcmp } from "./icmp.js";
import { ICMPV6_HEADER_LENGTH, type Icmpv6Spec, writeIcmpv6 } from "./icmpv6.js";
import { IpProtocol } from "./ipProtocol.js";
import { type Ipv4Spec, ipv4HeaderLength, writeIpv4Header } from "./ipv4.js";
import { type Ipv6Spec, ipv6HeaderLength, writeIpv6Header } from "./ipv6.js";
import { writeL4Checksum } from "./l4Checksum.js";
import { TcpOffset, type TcpSpec, tcpHeaderLength, writeTcp } from "./tcp.js";
import { UDP_HEADER_LENGTH, UdpOffset, type UdpSpec, writeUdp } from "./udp.js";

/** Any upper-layer protocol, written verbatim (no checksum is computed). */
export interface RawSpec {
  kind: "raw";
  protocol: number;
  payload: Uint8Array;
}

export type IpSpec = Ipv4Spec | Ipv6Spec;
export type L4Spec = TcpSpec | UdpSpec | IcmpSpec | Icmpv6Spec | RawSpec;

/** A whole packet: optional Ethernet header, IPv4 or IPv6 header, upper layer. */
export interface PacketSpec {
  /** Omit for a bare IP packet (e.g. to encapsulate). */
  ethernet?: EthernetSpec;
  ip: IpSpec;
  l4: L4Spec;
}

function l4Length(l4: L4Spec): number {
  const payload = l4.payload?.length ?? 0;
  switch (l4.kind) {
    case "tcp":
      return tcpHeaderLength(l4) + payload;
    case "udp":
      return UDP_HEADER_LENGTH + payload;
    case "icmp":
      return ICMP_HEADER_LENGTH + payload;
    case "icmpv6":
      return ICMPV6_HEADER_LENGTH + payload;
    case "raw":
      return payload;
  }
}

function l4Protocol(l4: L4Spec): number {
  switch (l4.kind) {
    case "tcp":
      return IpProtocol.TCP;
    case "udp":
      return IpProtocol.UDP;
    case "icmp":
      return IpProtocol.ICMP;
    case "icmpv6":
      return IpProtocol.ICMPv6;
    case "raw":
      return l4.protocol;
  }
}

/** Offset of the checksum field within each upper-layer header. */
function checksumOffset(l4: L4Spec): number {
  switch (l4.kind) {
    case "tcp":
      return TcpOffset.checksum;
    case "udp":
      return UdpOffset.checksum;
    case "icmp":
    case "icmpv6":
      return IcmpOffset.checksum;
    case "raw":
      return -1;
  }
}

/**
 * Builds a new packet with every length and checksum filled in. For control packets (ARP, DHCP,
 * ICMP errors, NDP), where a fresh buffer is the simple and safe choice. Throws RangeError for a
 * spec that cannot be encoded (oversized packet or options, UDP without checksum over IPv6).
 */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const { ethernet, ip, l4 } = spec;
  const l2Length = ethernet ? ethernetHeaderLength(ethernet) : 0;
  const l3Length = ip.version === 4 ? ipv4HeaderLength(ip) : ipv6HeaderLength(ip);
  const upperLength = l4Length(l4);
  const protocol = l4Protocol(l4);
  const bytes = new Uint8Array(l2Length + l3Length + upperLength);
  const l3 = ethernet
    ? writeEthernetHeader(bytes, 0, ethernet, ip.version === 4 ? EtherType.IPv4 : EtherType.IPv6)
    : 0;
  const l4Offset =
    ip.version === 4
      ? writeIpv4Header(bytes, l3, ip, protocol, upperLength)
      : writeIpv6Header(bytes, l3, ip, protocol, upperLength);
  switch (l4.kind) {
    case "tcp":
      writeTcp(bytes, l4Offset, l4);
      break;
    case "udp":
      if (l4.noChecksum && ip.version === 6) throw new RangeError("UDP over IPv6 requires a checksum");
      writeUdp(bytes, l4Offset, l4);
      if (l4.noChecksum) return bytes;
      break;
    case "icmp":
      writeIcmp(bytes, l4Offset, l4);
      break;
    case "icmpv6":
      writeIcmpv6(bytes, l4Offset, l4);
      break;
    case "raw":
      bytes.set(l4.payload, l4Offset);
      return bytes;
  }
  writeL4Checksum(
    bytes,
    { ipVersion: ip.version, l3Offset: l3, protocol, l4Offset, payloadEnd: l4Offset + upperLength },
    l4Offset + checksumOffset(l4),
  );
  return bytes;
}
