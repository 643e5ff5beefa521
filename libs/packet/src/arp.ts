import { copyBytes, readU8, readU16, readU32, writeU16, writeU32 } from "./bytes.js";
import type { DropReason } from "./dropReason.js";
import { type EthernetSpec, EtherType, ethernetHeaderLength, writeEthernetHeader } from "./ethernet.js";
import type { Frame } from "./frame.js";
import type { Ipv4Address } from "./ipAddress.js";
import type { Layout } from "./layout.js";
import { BROADCAST_MAC, type MacAddress } from "./mac.js";

/** ARP for IPv4 over Ethernet (RFC 826): the only combination the data plane answers. */
export const ARP_LENGTH = 28;

export const ArpOffset = {
  hardwareType: 0,
  protocolType: 2,
  hardwareLength: 4,
  protocolLength: 5,
  operation: 6,
  senderMac: 8,
  senderIp: 14,
  targetMac: 18,
  targetIp: 24,
} as const;

export const ArpOperation = {
  Request: 1,
  Reply: 2,
} as const;

const HARDWARE_ETHERNET = 1;

/** Validates an Ethernet/IPv4 ARP packet at `offset`. */
export function parseArpLayer(
  layout: Layout,
  b: Uint8Array,
  offset: number,
  end: number,
): DropReason | undefined {
  if (end - offset < ARP_LENGTH) return "truncated-arp";
  if (
    readU16(b, offset + ArpOffset.hardwareType) !== HARDWARE_ETHERNET ||
    readU16(b, offset + ArpOffset.protocolType) !== EtherType.IPv4 ||
    readU8(b, offset + ArpOffset.hardwareLength) !== 6 ||
    readU8(b, offset + ArpOffset.protocolLength) !== 4
  ) {
    return "unsupported-arp";
  }
  layout.ipVersion = 0;
  layout.protocol = -1;
  layout.l3Offset = offset;
  layout.ipEnd = offset + ARP_LENGTH;
  layout.l4Offset = layout.payloadOffset = layout.payloadEnd = offset + ARP_LENGTH;
  return undefined;
}

/** ARP packet fields; MACs are views into the frame when read from one. */
export interface ArpPacket {
  operation: number;
  senderMac: MacAddress;
  senderIp: Ipv4Address;
  targetMac: MacAddress;
  targetIp: Ipv4Address;
}

/** Reads the ARP fields of a frame whose etherType is ARP. */
export function readArp(frame: Frame): ArpPacket {
  const o = frame.l3Offset;
  return {
    operation: readU16(frame.buf, o + ArpOffset.operation),
    senderMac: frame.buf.subarray(o + ArpOffset.senderMac, o + ArpOffset.senderMac + 6),
    senderIp: readU32(frame.buf, o + ArpOffset.senderIp),
    targetMac: frame.buf.subarray(o + ArpOffset.targetMac, o + ArpOffset.targetMac + 6),
    targetIp: readU32(frame.buf, o + ArpOffset.targetIp),
  };
}

/** Builds an Ethernet frame carrying an ARP packet (no padding to 60 bytes; the port adds it if needed). */
export function buildArp(ethernet: EthernetSpec, arp: ArpPacket): Uint8Array {
  const l2 = ethernetHeaderLength(ethernet);
  const b = new Uint8Array(l2 + ARP_LENGTH);
  const o = writeEthernetHeader(b, 0, ethernet, EtherType.ARP);
  writeU16(b, o + ArpOffset.hardwareType, HARDWARE_ETHERNET);
  writeU16(b, o + ArpOffset.protocolType, EtherType.IPv4);
  b[o + ArpOffset.hardwareLength] = 6;
  b[o + ArpOffset.protocolLength] = 4;
  writeU16(b, o + ArpOffset.operation, arp.operation);
  copyBytes(arp.senderMac, 0, b, o + ArpOffset.senderMac, 6);
  writeU32(b, o + ArpOffset.senderIp, arp.senderIp);
  copyBytes(arp.targetMac, 0, b, o + ArpOffset.targetMac, 6);
  writeU32(b, o + ArpOffset.targetIp, arp.targetIp);
  return b;
}

/**
 * Answers an ARP request: "targetIp is at `mac`", sent back to the requester (and on its VLAN).
 * The caller decides whether to answer (dpservice answers only for its gateway address).
 */
export function buildArpReply(request: Frame, mac: MacAddress): Uint8Array {
  const req = readArp(request);
  return buildArp(
    { src: mac, dst: request.hasEthernet ? request.srcMac : req.senderMac, vlanId: request.vlanId },
    {
      operation: ArpOperation.Reply,
      senderMac: mac,
      senderIp: req.targetIp,
      targetMac: req.senderMac,
      targetIp: req.senderIp,
    },
  );
}

/** An ARP request for `targetIp`, broadcast (dpservice probes VMs with sender = target = gateway). */
export function buildArpRequest(
  srcMac: MacAddress,
  senderIp: Ipv4Address,
  targetIp: Ipv4Address,
  vlanId?: number,
): Uint8Array {
  return buildArp(
    { src: srcMac, dst: BROADCAST_MAC, vlanId },
    { operation: ArpOperation.Request, senderMac: srcMac, senderIp, targetMac: new Uint8Array(6), targetIp },
  );
}
