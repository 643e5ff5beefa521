import type { DataplaneState } from "../state/dataplaneState.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";

/**
 * VIP (1:1 NAT), per (interface IP, VNI). Outbound south-north: source IP -> VIP, ports kept
 * (unless the interface also has a NAT: NAT wins). Inbound on the VIP's underlay, and east-west
 * traffic to the VIP inside the VNI: destination VIP -> interface IP. Replies are reversed by
 * conntrack.
 */

/** East-west: the interface whose VIP `dst` is in `vni`, if any. */
export function vipDestination(state: DataplaneState, vni: number, dst: number): InterfaceEntry | undefined {
  const entry = state.dnat.lookup(vni, dst);
  return entry?.kind === "vip" ? entry.iface : undefined;
}

/**
 * Inbound on a VIP underlay: the interface IPv4 to translate `dst` to, or -1 when `dst` is not the
 * interface's VIP (dropped: the underlay stands for the VIP only).
 */
export function vipInbound(iface: InterfaceEntry, dst: number): number {
  if (!iface.vip || iface.vip.ip !== dst || iface.ipv4 === undefined) return -1;
  return iface.ipv4;
}

/** Outbound south-north without NAT: the VIP to use as source, or -1. */
export function vipSource(iface: InterfaceEntry): number {
  return iface.vip && !iface.nat ? iface.vip.ip : -1;
}
