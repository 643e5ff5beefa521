import { copyBytes, readU8, readU16, readU32, writeU16, writeU32 } from "./bytes.js";
import {
  applyChecksumDelta,
  checksumDelta16,
  checksumDelta32,
  finishChecksum,
  foldSum,
  sumBytes,
} from "./checksum.js";
import { EthernetOffset } from "./ethernet.js";
import { IcmpOffset, IcmpType, isIcmpErrorType } from "./icmp.js";
import { Icmpv6Type, isIcmpv6ErrorType } from "./icmpv6.js";
import type { Ipv4Address, Ipv6Address } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import { IPV4_FRAGMENT_OFFSET_MASK, Ipv4Flag, Ipv4Offset } from "./ipv4.js";
import { Ipv6Offset } from "./ipv6.js";
import { l4ChecksumValid, writeL4Checksum } from "./l4Checksum.js";
import { Fragment, type FragmentState, type Layout } from "./layout.js";
import type { MacAddress } from "./mac.js";
import { TcpOffset } from "./tcp.js";
import { UdpOffset } from "./udp.js";

/**
 * A parsed frame: the caller's bytes plus the offsets of each layer. Nothing is copied; fields are
 * read from the buffer when asked for, and mutators write into it, keeping every checksum they
 * affect right by incremental update (RFC 1624).
 *
 * Getters for a layer the frame does not have return meaningless values: check `ipVersion`,
 * `protocol` and friends first (the data plane dispatches on them anyway). Mutators return false
 * and leave the frame untouched when they do not apply. Address, MAC and payload accessors return
 * views into the frame: copy them (`.slice()`) to keep them after the buffer is reused.
 */
export class Frame {
  // Fields are `declare`d and assigned in the constructor only: emitted class fields would first be
  // defined as undefined by a separate initializer on every construction (measurable per packet).
  declare readonly buf: Uint8Array;
  /** End of the readable bytes (frame length for a top-level frame). */
  declare readonly end: number;
  /** Offset of the Ethernet header, or -1 for a bare IP packet. */
  declare readonly l2Offset: number;
  /** 802.1Q tag control information, or -1 when untagged. */
  declare readonly vlanTci: number;
  /** EtherType of the layer-3 payload (after the VLAN tag, if any). */
  declare readonly etherType: number;
  declare readonly l3Offset: number;
  /** 4 or 6; 0 for ARP. */
  declare readonly ipVersion: number;
  /** End of the IP packet by its length field; Ethernet padding lies beyond it. */
  declare readonly ipEnd: number;
  /** Upper-layer protocol (IpProtocol), after IPv6 extension headers; -1 for ARP. */
  declare readonly protocol: number;
  declare readonly l4Offset: number;
  /** Start of the upper layer's data (after TCP options, after the UDP/ICMP header...). */
  declare readonly payloadOffset: number;
  declare readonly payloadEnd: number;
  declare readonly fragment: FragmentState;
  /** Offset of the upper-layer checksum field, or -1. */
  declare readonly l4ChecksumOffset: number;
  /** Set on the header quoted by an ICMP error: offset of the enclosing ICMP checksum, else -1. */
  declare readonly outerChecksumOffset: number;
  /** True for the (possibly truncated) header quoted by an ICMP error. */
  declare readonly embedded: boolean;

  declare private dataView: DataView | undefined;

  constructor(buf: Uint8Array, layout: Layout) {
    this.buf = buf;
    this.end = layout.end;
    this.l2Offset = layout.l2Offset;
    this.vlanTci = layout.vlanTci;
    this.etherType = layout.etherType;
    this.l3Offset = layout.l3Offset;
    this.ipVersion = layout.ipVersion;
    this.ipEnd = layout.ipEnd;
    this.protocol = layout.protocol;
    this.l4Offset = layout.l4Offset;
    this.payloadOffset = layout.payloadOffset;
    this.payloadEnd = layout.payloadEnd;
    this.fragment = layout.fragment;
    this.l4ChecksumOffset = layout.l4ChecksumOffset;
    this.outerChecksumOffset = layout.outerChecksumOffset;
    this.embedded = layout.embedded;
    this.dataView = undefined;
  }

  /**
   * A DataView over the frame's bytes, made on first use. The frame itself reads the bytes
   * directly: a DataView per packet would cost more than the whole parse.
   */
  get view(): DataView {
    this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.dataView;
  }

  // -------------------------------------------------------------------------------------------
  // Layer 2

  get hasEthernet(): boolean {
    return this.l2Offset >= 0;
  }

  /** VLAN id of the 802.1Q tag, or undefined when untagged. */
  get vlanId(): number | undefined {
    return this.vlanTci < 0 ? undefined : this.vlanTci & 0x0fff;
  }

  get dstMac(): MacAddress {
    return this.buf.subarray(this.l2Offset + EthernetOffset.dst, this.l2Offset + EthernetOffset.dst + 6);
  }

  get srcMac(): MacAddress {
    return this.buf.subarray(this.l2Offset + EthernetOffset.src, this.l2Offset + EthernetOffset.src + 6);
  }

  // -------------------------------------------------------------------------------------------
  // Layer 3

  /** The IP packet (header to `ipEnd`), e.g. to encapsulate. */
  get ipPacket(): Uint8Array {
    return this.buf.subarray(this.l3Offset, this.ipEnd);
  }

  get ipv4Src(): Ipv4Address {
    return readU32(this.buf, this.l3Offset + Ipv4Offset.src);
  }

  get ipv4Dst(): Ipv4Address {
    return readU32(this.buf, this.l3Offset + Ipv4Offset.dst);
  }

  get ipv6Src(): Ipv6Address {
    const at = this.l3Offset + Ipv6Offset.src;
    return this.buf.subarray(at, at + 16);
  }

  get ipv6Dst(): Ipv6Address {
    const at = this.l3Offset + Ipv6Offset.dst;
    return this.buf.subarray(at, at + 16);
  }

  /** IPv4 TTL or IPv6 hop limit. */
  get ttl(): number {
    return readU8(this.buf, this.l3Offset + (this.ipVersion === 4 ? Ipv4Offset.ttl : Ipv6Offset.hopLimit));
  }

  /** IPv4 TOS byte or IPv6 traffic class (DSCP and ECN). */
  get trafficClass(): number {
    return this.ipVersion === 4
      ? readU8(this.buf, this.l3Offset + Ipv4Offset.tos)
      : (readU16(this.buf, this.l3Offset) >> 4) & 0xff;
  }

  /** IPv6 flow label. */
  get flowLabel(): number {
    return readU32(this.buf, this.l3Offset) & 0xfffff;
  }

  get ipv4HeaderLength(): number {
    return (readU8(this.buf, this.l3Offset) & 0x0f) << 2;
  }

  get ipv4Identification(): number {
    return readU16(this.buf, this.l3Offset + Ipv4Offset.identification);
  }

  get dontFragment(): boolean {
    return (readU16(this.buf, this.l3Offset + Ipv4Offset.flagsFragmentOffset) & Ipv4Flag.DontFragment) !== 0;
  }

  /** IPv4 fragment offset in bytes. */
  get ipv4FragmentOffset(): number {
    return (
      (readU16(this.buf, this.l3Offset + Ipv4Offset.flagsFragmentOffset) & IPV4_FRAGMENT_OFFSET_MASK) << 3
    );
  }

  get ipv4Checksum(): number {
    return readU16(this.buf, this.l3Offset + Ipv4Offset.checksum);
  }

  get isFragment(): boolean {
    return this.fragment !== Fragment.None;
  }

  /** False for a later fragment, which carries no upper-layer header. */
  get hasL4Header(): boolean {
    return this.fragment !== Fragment.Later;
  }

  // -------------------------------------------------------------------------------------------
  // Layer 4

  /** TCP or UDP with its header present. */
  get hasPorts(): boolean {
    return (
      (this.protocol === IpProtocol.TCP || this.protocol === IpProtocol.UDP) &&
      this.fragment !== Fragment.Later
    );
  }

  /** TCP/UDP source port; 0 when the packet has no ports. */
  get srcPort(): number {
    return this.hasPorts ? readU16(this.buf, this.l4Offset + TcpOffset.srcPort) : 0;
  }

  get dstPort(): number {
    return this.hasPorts ? readU16(this.buf, this.l4Offset + TcpOffset.dstPort) : 0;
  }

  get tcpSeq(): number {
    return readU32(this.buf, this.l4Offset + TcpOffset.seq);
  }

  get tcpAck(): number {
    return readU32(this.buf, this.l4Offset + TcpOffset.ack);
  }

  /** TcpFlag bits. */
  get tcpFlags(): number {
    return readU8(this.buf, this.l4Offset + TcpOffset.flags);
  }

  get tcpWindow(): number {
    return readU16(this.buf, this.l4Offset + TcpOffset.window);
  }

  get tcpUrgentPointer(): number {
    return readU16(this.buf, this.l4Offset + TcpOffset.urgentPointer);
  }

  /** TCP header length in bytes (data offset * 4). */
  get tcpHeaderLength(): number {
    return (readU8(this.buf, this.l4Offset + TcpOffset.dataOffset) >> 4) << 2;
  }

  get udpLength(): number {
    return readU16(this.buf, this.l4Offset + UdpOffset.length);
  }

  /** Value of the upper-layer checksum field, or -1 if there is none. */
  get l4Checksum(): number {
    return this.l4ChecksumOffset < 0 ? -1 : readU16(this.buf, this.l4ChecksumOffset);
  }

  get isIcmp(): boolean {
    return (
      (this.protocol === IpProtocol.ICMP || this.protocol === IpProtocol.ICMPv6) &&
      this.fragment !== Fragment.Later
    );
  }

  /** ICMP or ICMPv6 type. */
  get icmpType(): number {
    return readU8(this.buf, this.l4Offset + IcmpOffset.type);
  }

  get icmpCode(): number {
    return readU8(this.buf, this.l4Offset + IcmpOffset.code);
  }

  /** Echo request or reply (ICMP or ICMPv6), whose identifier plays the role of a port. */
  get isIcmpEcho(): boolean {
    if (!this.isIcmp) return false;
    const type = this.icmpType;
    return this.protocol === IpProtocol.ICMP
      ? type === IcmpType.EchoRequest || type === IcmpType.EchoReply
      : type === Icmpv6Type.EchoRequest || type === Icmpv6Type.EchoReply;
  }

  /** An error message quoting the packet that caused it (see parseIcmpErrorInner). */
  get isIcmpError(): boolean {
    if (!this.isIcmp) return false;
    return this.protocol === IpProtocol.ICMP
      ? isIcmpErrorType(this.icmpType)
      : isIcmpv6ErrorType(this.icmpType);
  }

  /** Echo identifier. */
  get icmpIdentifier(): number {
    return readU16(this.buf, this.l4Offset + IcmpOffset.identifier);
  }

  /** Echo sequence number. */
  get icmpSequence(): number {
    return readU16(this.buf, this.l4Offset + IcmpOffset.sequence);
  }

  /** The 32-bit word after the ICMP checksum (MTU, pointer, NDP flags...). */
  get icmpRest(): number {
    return readU32(this.buf, this.l4Offset + IcmpOffset.identifier);
  }

  /** Upper-layer data: TCP/UDP payload, echo data, ICMP error quote, NDP options. */
  get payload(): Uint8Array {
    return this.buf.subarray(this.payloadOffset, this.payloadEnd);
  }

  // -------------------------------------------------------------------------------------------
  // Checksums

  /** IPv4 header checksum (if IPv4) and upper-layer checksum (if present and verifiable) are right. */
  verifyChecksums(): boolean {
    if (
      this.ipVersion === 4 &&
      foldSum(sumBytes(this.buf, this.l3Offset, this.ipv4HeaderLength)) !== 0xffff
    ) {
      return false;
    }
    return !this.l4ChecksumVerifiable || l4ChecksumValid(this.buf, this, this.l4ChecksumOffset);
  }

  /** Recomputes the IPv4 header and upper-layer checksums in full, after edits the mutators don't cover. */
  updateChecksums(): void {
    if (this.ipVersion === 4) {
      const at = this.l3Offset + Ipv4Offset.checksum;
      writeU16(this.buf, at, 0);
      writeU16(this.buf, at, finishChecksum(sumBytes(this.buf, this.l3Offset, this.ipv4HeaderLength)));
    }
    if (this.l4ChecksumVerifiable) writeL4Checksum(this.buf, this, this.l4ChecksumOffset);
  }

  /** A checksum over the whole upper-layer message is only computable for a complete packet. */
  private get l4ChecksumVerifiable(): boolean {
    return this.l4ChecksumOffset >= 0 && this.fragment === Fragment.None && !this.embedded;
  }

  // -------------------------------------------------------------------------------------------
  // Mutators for the forwarding path (NAT, VIP, LB, routing)

  setSrcMac(mac: MacAddress): boolean {
    if (this.l2Offset < 0) return false;
    copyBytes(mac, 0, this.buf, this.l2Offset + EthernetOffset.src, 6);
    return true;
  }

  setDstMac(mac: MacAddress): boolean {
    if (this.l2Offset < 0) return false;
    copyBytes(mac, 0, this.buf, this.l2Offset + EthernetOffset.dst, 6);
    return true;
  }

  setIpv4Src(address: Ipv4Address): boolean {
    return this.setIpv4Address(this.l3Offset + Ipv4Offset.src, address);
  }

  setIpv4Dst(address: Ipv4Address): boolean {
    return this.setIpv4Address(this.l3Offset + Ipv4Offset.dst, address);
  }

  setIpv6Src(address: Ipv6Address): boolean {
    return this.setIpv6Address(this.l3Offset + Ipv6Offset.src, address);
  }

  setIpv6Dst(address: Ipv6Address): boolean {
    return this.setIpv6Address(this.l3Offset + Ipv6Offset.dst, address);
  }

  setSrcPort(port: number): boolean {
    return this.hasPorts && this.setL4Word(this.l4Offset + TcpOffset.srcPort, port);
  }

  setDstPort(port: number): boolean {
    return this.hasPorts && this.setL4Word(this.l4Offset + TcpOffset.dstPort, port);
  }

  /** Rewrites the echo identifier (ICMP or ICMPv6), as NAT does in place of a port. */
  setIcmpIdentifier(identifier: number): boolean {
    return this.isIcmpEcho && this.setL4Word(this.l4Offset + IcmpOffset.identifier, identifier);
  }

  /**
   * Decrements the IPv4 TTL or IPv6 hop limit as a router does before forwarding. Returns false,
   * changing nothing, when it is already 1 or 0: the packet must then be dropped (and answered with
   * time exceeded) instead of forwarded.
   */
  decrementTtl(): boolean {
    if (this.ipVersion === 4) {
      const at = this.l3Offset + Ipv4Offset.ttl; // the word TTL|protocol
      const old = readU16(this.buf, at);
      if (old >> 8 <= 1) return false;
      writeU16(this.buf, at, old - 0x100);
      this.adjustChecksums(checksumDelta16(old, old - 0x100), true, false);
      return true;
    }
    if (this.ipVersion === 6) {
      const at = this.l3Offset + Ipv6Offset.nextHeader; // the word next-header|hop-limit
      const old = readU16(this.buf, at);
      if ((old & 0xff) <= 1) return false;
      writeU16(this.buf, at, old - 1);
      // No IPv6 header checksum, and the hop limit is not in the pseudo-header.
      if (this.outerChecksumOffset >= 0) this.adjustChecksums(checksumDelta16(old, old - 1), false, false);
      return true;
    }
    return false;
  }

  private setIpv4Address(at: number, address: Ipv4Address): boolean {
    if (this.ipVersion !== 4) return false;
    const old = readU32(this.buf, at);
    writeU32(this.buf, at, address >>> 0);
    this.adjustChecksums(checksumDelta32(old, address >>> 0), true, this.pseudoHeaderCovered);
    return true;
  }

  private setIpv6Address(at: number, address: Ipv6Address): boolean {
    if (this.ipVersion !== 6) return false;
    const oldSum = foldSum(sumBytes(this.buf, at, 16));
    const newSum = sumBytes(address, 0, 16);
    copyBytes(address, 0, this.buf, at, 16);
    this.adjustChecksums((~oldSum & 0xffff) + newSum, false, this.pseudoHeaderCovered);
    return true;
  }

  /** Writes a 16-bit word of the upper-layer header that its checksum covers. */
  private setL4Word(at: number, value: number): boolean {
    const old = readU16(this.buf, at);
    writeU16(this.buf, at, value);
    this.adjustChecksums(checksumDelta16(old, value & 0xffff), false, true);
    return true;
  }

  /** Whether the upper-layer checksum covers the IP addresses (pseudo-header): not for ICMPv4. */
  private get pseudoHeaderCovered(): boolean {
    return (
      this.protocol === IpProtocol.TCP ||
      this.protocol === IpProtocol.UDP ||
      this.protocol === IpProtocol.ICMPv6
    );
  }

  /**
   * Applies a field change (as an RFC 1624 delta) to the IPv4 header checksum, the upper-layer
   * checksum, and, for a header quoted by an ICMP error, the enclosing ICMP checksum, which covers
   * the changed bytes and the changes to both quoted checksums.
   */
  private adjustChecksums(delta: number, ipHeader: boolean, l4: boolean): void {
    const b = this.buf;
    let outerDelta = delta;
    if (ipHeader) {
      const at = this.l3Offset + Ipv4Offset.checksum;
      const old = readU16(b, at);
      const next = applyChecksumDelta(old, delta);
      writeU16(b, at, next);
      outerDelta += checksumDelta16(old, next);
    }
    if (l4 && this.l4ChecksumOffset >= 0) {
      const at = this.l4ChecksumOffset;
      const old = readU16(b, at);
      if (this.protocol !== IpProtocol.UDP) {
        const next = applyChecksumDelta(old, delta);
        writeU16(b, at, next);
        outerDelta += checksumDelta16(old, next);
      } else if (old !== 0 || this.ipVersion === 6) {
        // A zero UDP checksum over IPv4 means "not computed" and must stay zero; a computed zero is
        // sent as 0xffff.
        const next = applyChecksumDelta(old, delta) || 0xffff;
        writeU16(b, at, next);
        outerDelta += checksumDelta16(old, next);
      }
    }
    if (this.outerChecksumOffset >= 0) {
      const at = this.outerChecksumOffset;
      writeU16(b, at, applyChecksumDelta(readU16(b, at), outerDelta));
    }
  }
}
