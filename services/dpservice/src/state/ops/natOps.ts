import type { DataplaneState } from "../dataplaneState.js";
import type { InterfaceEntry, LocalNatEntry } from "../interfaceEntry.js";
import type { IpAddr } from "../ipAddr.js";
import { fail, StatusCode } from "../statusCode.js";
import type { Underlay } from "../underlay.js";
import { chooseUnderlay } from "./chooseUnderlay.js";

export interface NatSpec {
  ip: IpAddr;
  minPort: number;
  /** Exclusive. */
  maxPort: number;
  preferredUnderlay?: Uint8Array;
}

/**
 * The interface's slice [minPort, maxPort) of a NAT gateway IP. Several interfaces may share a
 * NAT IP (their ranges are not checked against each other, as upstream); the IP must not be a
 * VIP in the same VNI. The interface may be IPv6-only (NAT64).
 */
export function createNat(state: DataplaneState, interfaceId: string, spec: NatSpec): Underlay {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  if (spec.ip.family !== 4) fail(StatusCode.BAD_IPVER);
  if (iface.nat) fail(StatusCode.SNAT_EXISTS);
  const underlay = chooseUnderlay(state, spec.preferredUnderlay, "nat");
  state.underlays.add({ type: "NAT", underlay, vni: iface.vni, iface });
  if (!state.dnat.addNatUser(iface.vni, spec.ip.value)) {
    state.underlays.remove(underlay.key);
    fail(StatusCode.DNAT_EXISTS);
  }
  iface.nat = { ip: spec.ip.value, minPort: spec.minPort, maxPort: spec.maxPort, underlay };
  return underlay;
}

export function getNat(state: DataplaneState, interfaceId: string): LocalNatEntry {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return iface.nat ?? fail(StatusCode.SNAT_NO_DATA);
}

export function deleteNat(state: DataplaneState, interfaceId: string): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const nat = iface.nat ?? fail(StatusCode.SNAT_NO_DATA);
  state.dnat.removeNatUser(iface.vni, nat.ip);
  state.underlays.remove(nat.underlay.key);
  iface.nat = undefined;
  state.events.emit({ type: "nat-deleted", iface, nat });
}

/** Interfaces with a NAT slice on `natIp` (IPv4; 0.0.0.0 = every NAT IP). */
export function listLocalNats(
  state: DataplaneState,
  natIp: IpAddr,
): { iface: InterfaceEntry; nat: LocalNatEntry }[] {
  if (natIp.family !== 4) fail(StatusCode.BAD_IPVER);
  const out: { iface: InterfaceEntry; nat: LocalNatEntry }[] = [];
  for (const iface of state.interfaces.list()) {
    if (iface.nat && (natIp.value === 0 || iface.nat.ip === natIp.value)) out.push({ iface, nat: iface.nat });
  }
  return out;
}
