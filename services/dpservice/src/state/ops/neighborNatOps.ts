import type { DataplaneState } from "../dataplaneState.js";
import type { IpAddr } from "../ipAddr.js";
import type { NeighborNatEntry } from "../neighborNatEntry.js";
import { fail, StatusCode } from "../statusCode.js";
import type { Underlay } from "../underlay.js";

export interface NeighborNatSpec {
  ip: IpAddr;
  vni: number;
  minPort: number;
  /** Exclusive. */
  maxPort: number;
  underlay: Underlay;
}

/** A NAT port range of another node; ALREADY_EXISTS when it overlaps any range of the IP. */
export function createNeighborNat(state: DataplaneState, spec: NeighborNatSpec): void {
  if (spec.ip.family !== 4) fail(StatusCode.BAD_IPVER);
  const added = state.neighborNats.add({
    natIp: spec.ip.value,
    vni: spec.vni,
    minPort: spec.minPort,
    maxPort: spec.maxPort,
    underlay: spec.underlay,
  });
  if (!added) fail(StatusCode.ALREADY_EXISTS);
}

/** Removes exactly (ip, vni, minPort, maxPort). */
export function deleteNeighborNat(
  state: DataplaneState,
  spec: { ip: IpAddr; vni: number; minPort: number; maxPort: number },
): void {
  if (spec.ip.family !== 4) fail(StatusCode.BAD_IPVER);
  const entry =
    state.neighborNats.remove(spec.ip.value, spec.vni, spec.minPort, spec.maxPort) ??
    fail(StatusCode.NOT_FOUND);
  state.events.emit({ type: "neighbor-nat-deleted", entry });
}

/** Ranges of `natIp` (0.0.0.0 = all). */
export function listNeighborNats(state: DataplaneState, natIp: IpAddr): NeighborNatEntry[] {
  if (natIp.family !== 4) fail(StatusCode.BAD_IPVER);
  return state.neighborNats.list(natIp.value === 0 ? undefined : natIp.value);
}
