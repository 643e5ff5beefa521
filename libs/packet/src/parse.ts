import { parseArpLayer } from "./arp.js";
import { readU8, readU16 } from "./bytes.js";
import { type Drop, type DropReason, drop } from "./dropReason.js";
import { ETHERNET_HEADER_LENGTH, EthernetOffset, EtherType, VLAN_TAG_LENGTH } from "./ethernet.js";
import { Frame } from "./frame.js";
import { IcmpOffset, parseIcmpLayer } from "./icmp.js";
import { parseIcmpv6Layer } from "./icmpv6.js";
import { IpProtocol } from "./ipProtocol.js";
import { parseIpv4Layer } from "./ipv4.js";
import { parseIpv6Layer } from "./ipv6.js";
import { l4ChecksumValid } from "./l4Checksum.js";
import { emptyLayout, Fragment, type Layout } from "./layout.js";
import { parseTcpLayer } from "./tcp.js";
import { parseUdpLayer } from "./udp.js";

export interface ParseOptions {
  /**
   * Verify the IPv4 header checksum (default true). It costs a pass over 20 bytes, and a header
   * with a wrong checksum must not be routed.
   */
  verifyIpv4Checksum?: boolean;
  /**
   * Verify TCP/UDP/ICMP/ICMPv6 checksums (default false): a pass over the whole payload. Enable it
   * where nothing upstream (a NIC, the sending stack on the same host) vouches for the payload.
   * Fragments are never verified: their checksum covers the reassembled datagram.
   */
  verifyL4Checksum?: boolean;
}

// Parsing is synchronous and does not nest, so one scratch layout serves every call.
const scratch: Layout = emptyLayout();

function reset(layout: Layout, end: number): Layout {
  layout.end = end;
  layout.l2Offset = -1;
  layout.vlanTci = -1;
  layout.etherType = 0;
  layout.protocol = -1;
  layout.fragment = Fragment.None;
  layout.l4ChecksumOffset = -1;
  layout.outerChecksumOffset = -1;
  layout.embedded = false;
  return layout;
}

/**
 * Parses an Ethernet II frame (at most one 802.1Q tag) carrying ARP, IPv4 or IPv6. Never throws:
 * anything malformed or truncated yields `{ drop: reason }`.
 */
export function parseFrame(buf: Uint8Array, options?: ParseOptions): Frame | Drop {
  const end = buf.length;
  if (end < ETHERNET_HEADER_LENGTH) return drop("truncated-ethernet");
  const layout = reset(scratch, end);
  layout.l2Offset = 0;
  let etherType = readU16(buf, EthernetOffset.etherType);
  let l3 = ETHERNET_HEADER_LENGTH;
  if (etherType === EtherType.VLAN) {
    if (end < ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH) return drop("truncated-ethernet");
    layout.vlanTci = readU16(buf, EthernetOffset.vlanTci);
    etherType = readU16(buf, EthernetOffset.vlanEtherType);
    l3 += VLAN_TAG_LENGTH;
  }
  layout.etherType = etherType;
  let reason: DropReason | undefined;
  if (etherType === EtherType.IPv4) {
    reason = parseIpv4Layer(layout, buf, l3, end, options?.verifyIpv4Checksum ?? true, false);
  } else if (etherType === EtherType.IPv6) {
    reason = parseIpv6Layer(layout, buf, l3, end, false);
  } else if (etherType === EtherType.ARP) {
    reason = parseArpLayer(layout, buf, l3, end);
    return reason === undefined ? new Frame(buf, layout) : drop(reason);
  } else {
    return drop("unsupported-ethertype");
  }
  reason ??= parseUpperLayer(layout, buf, options?.verifyL4Checksum ?? false);
  return reason === undefined ? new Frame(buf, layout) : drop(reason);
}

/**
 * Parses a bare IP packet (no Ethernet header), such as the inner packet of an IP-in-IPv6 tunnel.
 * The version nibble selects IPv4 or IPv6. `start`/`end` parse a packet in place inside a larger
 * buffer (offsets in the frame stay relative to `buf`), which saves a subarray per packet.
 */
export function parseIpPacket(
  buf: Uint8Array,
  options?: ParseOptions,
  start = 0,
  end = buf.length,
): Frame | Drop {
  if (start >= end) return drop("truncated-ipv4");
  const layout = reset(scratch, end);
  const version = readU8(buf, start) >> 4;
  let reason: DropReason | undefined;
  if (version === 4) {
    layout.etherType = EtherType.IPv4;
    reason = parseIpv4Layer(layout, buf, start, end, options?.verifyIpv4Checksum ?? true, false);
  } else if (version === 6) {
    layout.etherType = EtherType.IPv6;
    reason = parseIpv6Layer(layout, buf, start, end, false);
  } else {
    return drop("bad-ip-version");
  }
  reason ??= parseUpperLayer(layout, buf, options?.verifyL4Checksum ?? false);
  return reason === undefined ? new Frame(buf, layout) : drop(reason);
}

/**
 * Parses the packet quoted by an ICMP or ICMPv6 error (its IP header and first bytes of payload),
 * as conntrack needs to find the flow an error belongs to. The result shares the frame's bytes; its
 * mutators keep the quoted checksums and the enclosing ICMP checksum right, which NAT needs to
 * translate an error on its way back.
 */
export function parseIcmpErrorInner(frame: Frame): Frame | Drop {
  if (!frame.isIcmpError || frame.embedded) return drop("not-icmp-error");
  if (frame.fragment !== Fragment.None) return drop("unsupported-fragment");
  const start = frame.l4Offset + IcmpOffset.body;
  const end = frame.ipEnd;
  const layout = reset(scratch, end);
  layout.embedded = true;
  layout.outerChecksumOffset = frame.l4Offset + IcmpOffset.checksum;
  const buf = frame.buf;
  if (start >= end) return drop(frame.protocol === IpProtocol.ICMP ? "truncated-ipv4" : "truncated-ipv6");
  let reason: DropReason | undefined;
  if (frame.protocol === IpProtocol.ICMP) {
    layout.etherType = EtherType.IPv4;
    reason = parseIpv4Layer(layout, buf, start, end, false, true);
  } else {
    layout.etherType = EtherType.IPv6;
    reason = parseIpv6Layer(layout, buf, start, end, true);
  }
  reason ??= parseUpperLayer(layout, buf, false);
  return reason === undefined ? new Frame(buf, layout) : drop(reason);
}

/** Validates the upper layer found by the IP parser (later fragments have none). */
function parseUpperLayer(layout: Layout, b: Uint8Array, verifyChecksum: boolean): DropReason | undefined {
  layout.payloadOffset = layout.l4Offset;
  layout.payloadEnd = layout.ipEnd;
  if (layout.fragment === Fragment.Later) return undefined;
  let reason: DropReason | undefined;
  switch (layout.protocol) {
    case IpProtocol.TCP:
      reason = parseTcpLayer(layout, b);
      break;
    case IpProtocol.UDP:
      reason = parseUdpLayer(layout, b);
      break;
    case IpProtocol.ICMP:
      reason = parseIcmpLayer(layout);
      break;
    case IpProtocol.ICMPv6:
      reason = parseIcmpv6Layer(layout, b);
      break;
    default:
      // Other protocols (IP-in-IP, ESP...) are the data plane's to accept or drop.
      return undefined;
  }
  if (reason !== undefined) return reason;
  if (
    verifyChecksum &&
    layout.fragment === Fragment.None &&
    !layout.embedded &&
    !l4ChecksumValid(b, layout, layout.l4ChecksumOffset)
  ) {
    return "bad-l4-checksum";
  }
  return undefined;
}
