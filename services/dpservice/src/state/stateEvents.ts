import type { InterfaceEntry, LocalNatEntry, VipEntry } from "./interfaceEntry.js";
import type { LoadBalancer } from "./loadBalancer.js";
import type { NeighborNatEntry } from "./neighborNatEntry.js";
import type { Underlay } from "./underlay.js";

/**
 * Changes the packet pipeline must react to beyond its next table lookup: flows (conntrack
 * entries, cached routing and firewall decisions) that were set up through something now gone.
 * Upstream flushes those flows on the same operations.
 */
export type StateEvent =
  | { readonly type: "interface-deleted"; readonly iface: InterfaceEntry }
  | { readonly type: "vip-deleted"; readonly iface: InterfaceEntry; readonly vip: VipEntry }
  | { readonly type: "nat-deleted"; readonly iface: InterfaceEntry; readonly nat: LocalNatEntry }
  | { readonly type: "neighbor-nat-deleted"; readonly entry: NeighborNatEntry }
  | { readonly type: "lb-deleted"; readonly lb: LoadBalancer }
  | { readonly type: "lb-target-deleted"; readonly lb: LoadBalancer; readonly target: Underlay }
  /** Routes of the VNI were added, removed or reset (cached next hops may be stale). */
  | { readonly type: "routes-changed"; readonly vni: number }
  | { readonly type: "firewall-changed"; readonly iface: InterfaceEntry };

export type StateListener = (event: StateEvent) => void;

export class StateEvents {
  private readonly listeners = new Set<StateListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
