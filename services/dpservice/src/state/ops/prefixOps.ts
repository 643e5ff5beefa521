import type { DataplaneState } from "../dataplaneState.js";
import type { AliasPrefixEntry } from "../interfaceEntry.js";
import { type IpPrefix, prefixKey } from "../ipAddr.js";
import { fail, StatusCode } from "../statusCode.js";
import type { Underlay } from "../underlay.js";
import { chooseUnderlay } from "./chooseUnderlay.js";
import { findRoute, insertRoute, removeRoute } from "./routeEntries.js";

/**
 * An alias prefix: routed to the interface's VF inside its VNI, and reachable from the fabric
 * under its own underlay (which metalnet announces). `prefix` is normalized.
 */
export function createPrefix(
  state: DataplaneState,
  interfaceId: string,
  prefix: IpPrefix,
  preferredUnderlay?: Uint8Array,
): Underlay {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const table = state.vnis.get(iface.vni) ?? fail(StatusCode.NO_VNI);
  insertRoute(table, prefix, { kind: "local", iface, source: "prefix" });
  const underlay = chooseUnderlay(state, preferredUnderlay, "prefix");
  try {
    state.underlays.add({ type: "ALIAS_PFX", underlay, vni: iface.vni, iface, prefix });
  } catch (err) {
    removeRoute(table, prefix);
    throw err;
  }
  iface.prefixes.set(prefixKey(prefix), { prefix, underlay });
  state.events.emit({ type: "routes-changed", vni: iface.vni });
  return underlay;
}

export function deletePrefix(state: DataplaneState, interfaceId: string, prefix: IpPrefix): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const table = state.vnis.get(iface.vni) ?? fail(StatusCode.NO_VNI);
  const route = findRoute(table, prefix) ?? fail(StatusCode.ROUTE_NOT_FOUND);
  // The route exists but is not this interface's alias prefix (another VF's, or a remote one).
  if (route.value.kind !== "local" || route.value.iface !== iface || route.value.source !== "prefix") {
    fail(StatusCode.ROUTE_BAD_PORT);
  }
  removeRoute(table, prefix);
  const key = prefixKey(prefix);
  const entry = iface.prefixes.get(key);
  if (entry) state.underlays.remove(entry.underlay.key);
  iface.prefixes.delete(key);
  state.events.emit({ type: "routes-changed", vni: iface.vni });
}

export function listPrefixes(state: DataplaneState, interfaceId: string): AliasPrefixEntry[] {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return [...iface.prefixes.values()];
}

/**
 * A load balancer target prefix: only an underlay (the LB node sends the balanced traffic there,
 * with the LB IP as destination); no route.
 */
export function createLoadBalancerPrefix(
  state: DataplaneState,
  interfaceId: string,
  prefix: IpPrefix,
  preferredUnderlay?: Uint8Array,
): Underlay {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const key = prefixKey(prefix);
  if (iface.lbPrefixes.has(key)) fail(StatusCode.ALREADY_EXISTS);
  const underlay = chooseUnderlay(state, preferredUnderlay, "lbTarget");
  state.underlays.add({ type: "LB_ALIAS_PFX", underlay, vni: iface.vni, iface, prefix });
  iface.lbPrefixes.set(key, { prefix, underlay });
  return underlay;
}

export function deleteLoadBalancerPrefix(state: DataplaneState, interfaceId: string, prefix: IpPrefix): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  const key = prefixKey(prefix);
  const entry = iface.lbPrefixes.get(key) ?? fail(StatusCode.NOT_FOUND);
  state.underlays.remove(entry.underlay.key);
  iface.lbPrefixes.delete(key);
}

export function listLoadBalancerPrefixes(state: DataplaneState, interfaceId: string): AliasPrefixEntry[] {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return [...iface.lbPrefixes.values()];
}
