import { ipv6FromBigInt } from "@ironcore-ts/packet";
import type { DataplaneState } from "../dataplaneState.js";
import type { IpAddr, IpPrefix } from "../ipAddr.js";
import type { LpmEntry } from "../lpmEntry.js";
import type { RemoteRouteTarget } from "../routeTarget.js";
import { fail, StatusCode } from "../statusCode.js";
import { underlayFromBytes } from "../underlay.js";
import { findRoute, insertRoute, removeRoute } from "./routeEntries.js";

/** A route to another node: `prefix` (normalized) in `vni` via the underlay `nextHop`. */
export function createRoute(
  state: DataplaneState,
  vni: number,
  prefix: IpPrefix,
  nextHopVni: number,
  nextHop: IpAddr,
): void {
  if (nextHop.family !== 6) fail(StatusCode.BAD_IPVER);
  const table = state.vnis.get(vni) ?? fail(StatusCode.NO_VNI);
  insertRoute(table, prefix, {
    kind: "remote",
    nextHopVni,
    nextHop: underlayFromBytes(ipv6FromBigInt(nextHop.value)),
  });
  state.events.emit({ type: "routes-changed", vni });
}

/** ROUTE_BAD_PORT for a route that points to a local interface (those belong to interfaces and prefixes). */
export function deleteRoute(state: DataplaneState, vni: number, prefix: IpPrefix): void {
  const table = state.vnis.get(vni) ?? fail(StatusCode.NO_VNI);
  const route = findRoute(table, prefix) ?? fail(StatusCode.ROUTE_NOT_FOUND);
  if (route.value.kind !== "remote") fail(StatusCode.ROUTE_BAD_PORT);
  removeRoute(table, prefix);
  state.events.emit({ type: "routes-changed", vni });
}

export interface ListedRoute {
  readonly vni: number;
  readonly entry: LpmEntry<number, RemoteRouteTarget>;
}

/**
 * The routes to other nodes of one VNI, or of every VNI for vni 0. IPv4 only, as upstream
 * (metalnet's peering cleanup relies on this listing).
 */
export function listRoutes(state: DataplaneState, vni: number): ListedRoute[] {
  const tables = vni === 0 ? state.vnis.list() : [state.vnis.get(vni) ?? fail(StatusCode.NO_VNI)];
  const out: ListedRoute[] = [];
  for (const table of tables) {
    for (const e of table.v4.entries()) {
      const target = e.value;
      if (target.kind === "remote")
        out.push({ vni: table.vni, entry: { address: e.address, length: e.length, value: target } });
    }
  }
  return out;
}
