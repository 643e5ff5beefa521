import type { InterfaceEntry } from "./interfaceEntry.js";
import type { Underlay } from "./underlay.js";

/** Where a route sends packets: a local interface (VF) or another node over the fabric (PF). */
export type RouteTarget = LocalRouteTarget | RemoteRouteTarget;

export interface LocalRouteTarget {
  readonly kind: "local";
  readonly iface: InterfaceEntry;
  /** "interface": the interface's own /32 or /128; "prefix": an alias prefix routed to it. */
  readonly source: "interface" | "prefix";
}

export interface RemoteRouteTarget {
  readonly kind: "remote";
  /** The VNI the packet belongs to at the next hop (differs from the table's VNI for peering). */
  readonly nextHopVni: number;
  /** Outer destination of the encapsulated packet. */
  readonly nextHop: Underlay;
}
