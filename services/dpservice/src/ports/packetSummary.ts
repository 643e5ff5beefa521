import {
  ArpOperation,
  EtherType,
  type Frame,
  formatIpv4,
  formatIpv6,
  formatMac,
  IpProtocol,
  isDrop,
  parseFrame,
  parseIpPacket,
  readArp,
} from "@ironcore-ts/packet";

/** A received packet, decoded for assertions and logs (tests, probes, the simulated machines). */
export interface PacketSummary {
  /** The bytes as received (a copy). */
  bytes: Uint8Array;
  kind: "arp" | "ipv4" | "ipv6" | "other";
  srcMac: string;
  dstMac: string;
  /** IP (or ARP sender/target) addresses as text. */
  src: string;
  dst: string;
  protocol: "tcp" | "udp" | "icmp" | "icmpv6" | "arp" | "other";
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  tcpSeq: number;
  tcpAck: number;
  icmpType: number;
  icmpCode: number;
  /** ICMP echo identifier and sequence. */
  icmpId: number;
  icmpSeq: number;
  /** ARP operation. */
  arpOperation: number;
  ttl: number;
  payload: Uint8Array;
  /** Checksums (IPv4 header and L4) verified. */
  checksumsOk: boolean;
}

const EMPTY = new Uint8Array(0);

/** Decodes a parsed frame or bare IP packet. */
export function summarizeFrame(f: Frame): PacketSummary {
  const s: PacketSummary = {
    bytes: f.buf.slice(f.l2Offset >= 0 ? f.l2Offset : f.l3Offset, f.end),
    kind: "other",
    srcMac: f.hasEthernet ? formatMac(f.srcMac) : "",
    dstMac: f.hasEthernet ? formatMac(f.dstMac) : "",
    src: "",
    dst: "",
    protocol: "other",
    srcPort: 0,
    dstPort: 0,
    tcpFlags: 0,
    tcpSeq: 0,
    tcpAck: 0,
    icmpType: -1,
    icmpCode: -1,
    icmpId: -1,
    icmpSeq: -1,
    arpOperation: 0,
    ttl: 0,
    payload: EMPTY,
    checksumsOk: true,
  };
  if (f.etherType === EtherType.ARP) {
    const arp = readArp(f);
    s.kind = "arp";
    s.protocol = "arp";
    s.src = formatIpv4(arp.senderIp);
    s.dst = formatIpv4(arp.targetIp);
    s.arpOperation = arp.operation;
    return s;
  }
  s.kind = f.ipVersion === 4 ? "ipv4" : "ipv6";
  s.src = f.ipVersion === 4 ? formatIpv4(f.ipv4Src) : formatIpv6(f.ipv6Src);
  s.dst = f.ipVersion === 4 ? formatIpv4(f.ipv4Dst) : formatIpv6(f.ipv6Dst);
  s.ttl = f.ttl;
  s.payload = f.payload.slice();
  s.checksumsOk = f.verifyChecksums();
  switch (f.protocol) {
    case IpProtocol.TCP:
      s.protocol = "tcp";
      s.srcPort = f.srcPort;
      s.dstPort = f.dstPort;
      s.tcpFlags = f.tcpFlags;
      s.tcpSeq = f.tcpSeq;
      s.tcpAck = f.tcpAck;
      break;
    case IpProtocol.UDP:
      s.protocol = "udp";
      s.srcPort = f.srcPort;
      s.dstPort = f.dstPort;
      break;
    case IpProtocol.ICMP:
    case IpProtocol.ICMPv6:
      s.protocol = f.protocol === IpProtocol.ICMP ? "icmp" : "icmpv6";
      s.icmpType = f.icmpType;
      s.icmpCode = f.icmpCode;
      if (f.isIcmpEcho) {
        s.icmpId = f.icmpIdentifier;
        s.icmpSeq = f.icmpSequence;
      }
      break;
  }
  return s;
}

/** Decodes an Ethernet frame; undefined if it does not parse. */
export function summarizeEthernet(bytes: Uint8Array): PacketSummary | undefined {
  const f = parseFrame(bytes.slice());
  return isDrop(f) ? undefined : summarizeFrame(f);
}

/** Decodes a bare IP packet; undefined if it does not parse. */
export function summarizeIp(bytes: Uint8Array): PacketSummary | undefined {
  const f = parseIpPacket(bytes.slice());
  return isDrop(f) ? undefined : summarizeFrame(f);
}

export const ARP_REQUEST = ArpOperation.Request;
export const ARP_REPLY = ArpOperation.Reply;
