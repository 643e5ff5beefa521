import type { Underlay } from "./underlay.js";

/**
 * A NAT port range owned by another node: inbound packets to (natIp, vni) with a destination port
 * in [minPort, maxPort) are relayed to `underlay`.
 */
export interface NeighborNatEntry {
  readonly natIp: number;
  readonly vni: number;
  readonly minPort: number;
  /** Exclusive. */
  readonly maxPort: number;
  readonly underlay: Underlay;
}
