import { Ipv4Lpm } from "./ipv4Lpm.js";
import { Ipv6Lpm } from "./ipv6Lpm.js";
import type { RouteTarget } from "./routeTarget.js";

/**
 * The two route tables of one VNI. They exist while an interface or load balancer of this node
 * uses the VNI (`users`); the last user's deletion frees them with all their routes.
 */
export class VniTable {
  readonly v4 = new Ipv4Lpm<RouteTarget>();
  readonly v6 = new Ipv6Lpm<RouteTarget>();
  users = 0;

  constructor(readonly vni: number) {}

  /** Drops every route learnt from outside (next hop on the fabric); local routes stay. */
  clearRemoteRoutes(): void {
    this.v4.removeWhere((e) => e.value.kind === "remote");
    this.v6.removeWhere((e) => e.value.kind === "remote");
  }
}
