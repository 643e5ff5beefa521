import type { DataplaneState } from "../dataplaneState.js";
import type { VipEntry } from "../interfaceEntry.js";
import type { IpAddr } from "../ipAddr.js";
import { fail, StatusCode } from "../statusCode.js";
import type { Underlay } from "../underlay.js";
import { chooseUnderlay } from "./chooseUnderlay.js";

/** A 1:1 public IPv4 for the interface's IPv4 (source NAT out, destination NAT in). */
export function createVip(
  state: DataplaneState,
  interfaceId: string,
  vip: IpAddr,
  preferredUnderlay?: Uint8Array,
): Underlay {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  // A VIP translates the interface's IPv4: both must be IPv4.
  if (vip.family !== 4 || iface.ipv4 === undefined) fail(StatusCode.BAD_IPVER);
  if (iface.vip) fail(StatusCode.SNAT_EXISTS);
  const underlay = chooseUnderlay(state, preferredUnderlay, "vip");
  state.underlays.add({ type: "VIP", underlay, vni: iface.vni, iface });
  if (!state.dnat.addVip(iface.vni, vip.value, iface)) {
    state.underlays.remove(underlay.key);
    fail(StatusCode.DNAT_EXISTS);
  }
  iface.vip = { ip: vip.value, underlay };
  return underlay;
}

export function getVip(state: DataplaneState, interfaceId: string): VipEntry {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return iface.vip ?? fail(StatusCode.SNAT_NO_DATA);
}

export function deleteVip(state: DataplaneState, interfaceId: string): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const vip = iface.vip ?? fail(StatusCode.SNAT_NO_DATA);
  state.dnat.removeVip(iface.vni, vip.ip);
  state.underlays.remove(vip.underlay.key);
  iface.vip = undefined;
  state.events.emit({ type: "vip-deleted", iface, vip });
}
