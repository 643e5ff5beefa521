import type { DataplaneState } from "../dataplaneState.js";

/**
 * One user fewer of a VNI. When it was the last, the VNI's route tables are gone and, as
 * upstream, so are the neighbour NAT ranges of that VNI.
 */
export function releaseVni(state: DataplaneState, vni: number): void {
  if (!state.vnis.release(vni)) return;
  for (const entry of state.neighborNats.removeWhere((e) => e.vni === vni)) {
    state.events.emit({ type: "neighbor-nat-deleted", entry });
  }
  state.events.emit({ type: "routes-changed", vni });
}
