import type { DataplaneState } from "../dataplaneState.js";
import { fail, StatusCode } from "../statusCode.js";

export type VniTableType = "ipv4" | "ipv6" | "both";

/** Whether the VNI has route tables here (an interface or load balancer uses it). */
export function isVniInUse(state: DataplaneState, vni: number, type: VniTableType): boolean {
  if (type === "both") fail(StatusCode.WRONG_TYPE);
  return state.vnis.has(vni);
}

/**
 * Drops the VNI's routes to other nodes; the routes of local interfaces and their alias prefixes
 * stay. An unknown VNI is fine.
 */
export function resetVni(state: DataplaneState, vni: number, type: VniTableType): void {
  if (type !== "both") fail(StatusCode.WRONG_TYPE);
  const table = state.vnis.get(vni);
  if (!table) return;
  table.clearRemoteRoutes();
  state.events.emit({ type: "routes-changed", vni });
}

/**
 * Starts (or restarts) a controller session: forgets what was learnt from other nodes (every
 * neighbour NAT and remote route, to be re-sent by metalnet) and keeps what was configured locally.
 * A second call is accepted (as upstream; the CLI refuses it).
 */
export function initialize(state: DataplaneState): string {
  for (const entry of state.neighborNats.removeWhere(() => true)) {
    state.events.emit({ type: "neighbor-nat-deleted", entry });
  }
  for (const table of state.vnis.list()) {
    table.clearRemoteRoutes();
    state.events.emit({ type: "routes-changed", vni: table.vni });
  }
  state.initialized = true;
  return state.uuid;
}
