import type { DataplaneState } from "../dataplaneState.js";
import { FirewallRuleSet } from "../firewallRuleSet.js";
import type { InterfaceEntry, PxeSettings } from "../interfaceEntry.js";
import { ipv4Addr, ipv6Addr, normalizePrefix } from "../ipAddr.js";
import { fail, StatusCode } from "../statusCode.js";
import type { VirtualFunction } from "../virtualFunction.js";
import { chooseUnderlay } from "./chooseUnderlay.js";
import { insertRoute, removeRoute } from "./routeEntries.js";
import { releaseVni } from "./vniUsage.js";

export interface InterfaceSpec {
  id: string;
  vni: number;
  /** undefined: IPv4 disabled. */
  ipv4?: number;
  /** undefined: IPv6 disabled. */
  ipv6?: bigint;
  /** A VF PCI address or upstream representor name; "" picks the first free VF. */
  deviceName: string;
  preferredUnderlay?: Uint8Array;
  pxe?: PxeSettings;
  metering?: { totalRate: bigint; publicRate: bigint };
  hostname?: string;
}

/** Public-traffic meters are 32-bit (Mbit/s) and cannot exceed the total. */
const MAX_RATE = 0xffffffffn;

/**
 * Binds an interface to a VF: underlay address, VNI route tables (created with the first user),
 * and routes for its own /32 and /128 to the VF. Checks in upstream's order; every step is
 * undone when a later one fails.
 */
export function createInterface(state: DataplaneState, spec: InterfaceSpec): InterfaceEntry {
  const vf = findDevice(state, spec.deviceName);
  if (vf.iface) fail(StatusCode.ALREADY_EXISTS);
  const metering = spec.metering ?? { totalRate: 0n, publicRate: 0n };
  if (
    metering.totalRate > MAX_RATE ||
    metering.publicRate > MAX_RATE ||
    (metering.totalRate !== 0n && metering.publicRate > metering.totalRate)
  ) {
    fail(StatusCode.PORT_METER);
  }
  const iface: InterfaceEntry = {
    id: spec.id,
    vni: spec.vni,
    ipv4: spec.ipv4,
    ipv6: spec.ipv6,
    underlay: chooseUnderlay(state, spec.preferredUnderlay, "interface"),
    vf,
    pxe: spec.pxe,
    metering,
    hostname: spec.hostname ?? "",
    vip: undefined,
    nat: undefined,
    prefixes: new Map(),
    lbPrefixes: new Map(),
    firewall: new FirewallRuleSet(),
  };
  state.underlays.add({ type: "INTERFACE_IP", underlay: iface.underlay, vni: iface.vni, iface });
  try {
    if (state.interfaces.has(spec.id)) fail(StatusCode.VM_HANDLE);
    const table = state.vnis.acquire(spec.vni);
    try {
      const target = { kind: "local", iface, source: "interface" } as const;
      if (iface.ipv4 !== undefined) insertRoute(table, normalizePrefix(ipv4Addr(iface.ipv4), 32), target);
      try {
        if (iface.ipv6 !== undefined) insertRoute(table, normalizePrefix(ipv6Addr(iface.ipv6), 128), target);
      } catch (err) {
        if (iface.ipv4 !== undefined) removeRoute(table, normalizePrefix(ipv4Addr(iface.ipv4), 32));
        throw err;
      }
    } catch (err) {
      releaseVni(state, spec.vni);
      throw err;
    }
  } catch (err) {
    state.underlays.remove(iface.underlay.key);
    throw err;
  }
  state.interfaces.add(iface);
  state.events.emit({ type: "routes-changed", vni: iface.vni });
  return iface;
}

export function getInterface(state: DataplaneState, id: string): InterfaceEntry {
  return state.interfaces.get(id) ?? fail(StatusCode.NOT_FOUND);
}

/**
 * Removes an interface with everything attached to it (prefixes, LB prefixes, VIP, NAT, firewall
 * rules, routes, underlay) and frees its VF; the VNI's tables go with their last user.
 */
export function deleteInterface(state: DataplaneState, id: string): void {
  const iface = state.interfaces.get(id) ?? fail(StatusCode.NOT_FOUND);
  const table = state.vnis.get(iface.vni);
  for (const p of iface.prefixes.values()) {
    if (table) removeRoute(table, p.prefix);
    state.underlays.remove(p.underlay.key);
  }
  iface.prefixes.clear();
  for (const p of iface.lbPrefixes.values()) state.underlays.remove(p.underlay.key);
  iface.lbPrefixes.clear();
  if (iface.vip) {
    const vip = iface.vip;
    state.dnat.removeVip(iface.vni, vip.ip);
    state.underlays.remove(vip.underlay.key);
    iface.vip = undefined;
    state.events.emit({ type: "vip-deleted", iface, vip });
  }
  if (iface.nat) {
    const nat = iface.nat;
    state.dnat.removeNatUser(iface.vni, nat.ip);
    state.underlays.remove(nat.underlay.key);
    iface.nat = undefined;
    state.events.emit({ type: "nat-deleted", iface, nat });
  }
  iface.firewall.clear();
  if (table) {
    // Only routes that still point here: Initialize/ResetVni keep local routes, but be safe.
    table.v4.removeWhere((e) => e.value.kind === "local" && e.value.iface === iface);
    table.v6.removeWhere((e) => e.value.kind === "local" && e.value.iface === iface);
  }
  state.underlays.remove(iface.underlay.key);
  state.interfaces.remove(iface);
  state.events.emit({ type: "routes-changed", vni: iface.vni });
  releaseVni(state, iface.vni);
  state.events.emit({ type: "interface-deleted", iface });
}

function findDevice(state: DataplaneState, deviceName: string): VirtualFunction {
  if (deviceName === "") return state.vfs.firstFree() ?? fail(StatusCode.LIMIT_REACHED);
  return state.vfs.find(deviceName) ?? fail(StatusCode.NOT_FOUND);
}
