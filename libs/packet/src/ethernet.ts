import { copyBytes, writeU16 } from "./bytes.js";
import type { MacAddress } from "./mac.js";

/** EtherType values the data plane handles. */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPv6: 0x86dd,
} as const;

export const ETHERNET_HEADER_LENGTH = 14;
export const VLAN_TAG_LENGTH = 4;

/** Offsets within the Ethernet II header. */
export const EthernetOffset = {
  dst: 0,
  src: 6,
  etherType: 12,
  /** With an 802.1Q tag: TCI at 14, inner EtherType at 16. */
  vlanTci: 14,
  vlanEtherType: 16,
} as const;

/** Ethernet header fields for builders. */
export interface EthernetSpec {
  src: MacAddress;
  dst: MacAddress;
  /** Adds one 802.1Q tag when set (0..4095). */
  vlanId?: number;
  /** 802.1p priority code point for the tag (0..7). */
  vlanPriority?: number;
}

export function ethernetHeaderLength(spec: EthernetSpec): number {
  return spec.vlanId === undefined ? ETHERNET_HEADER_LENGTH : ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH;
}

/** Writes the header at `offset` and returns the offset of the layer-3 header. */
export function writeEthernetHeader(
  b: Uint8Array,
  offset: number,
  spec: EthernetSpec,
  etherType: number,
): number {
  copyBytes(spec.dst, 0, b, offset + EthernetOffset.dst, 6);
  copyBytes(spec.src, 0, b, offset + EthernetOffset.src, 6);
  if (spec.vlanId === undefined) {
    writeU16(b, offset + EthernetOffset.etherType, etherType);
    return offset + ETHERNET_HEADER_LENGTH;
  }
  writeU16(b, offset + EthernetOffset.etherType, EtherType.VLAN);
  writeU16(b, offset + EthernetOffset.vlanTci, ((spec.vlanPriority ?? 0) << 13) | (spec.vlanId & 0x0fff));
  writeU16(b, offset + EthernetOffset.vlanEtherType, etherType);
  return offset + ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH;
}
