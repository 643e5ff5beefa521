import type { Route } from "./route.js";

/**
 * Loop prevention for received routes (metalbond v0.5.0 ignores every received route whose
 * (VNI, destination) the node announces itself, whatever the next-hop type). That rule is too wide
 * for the data plane, so this one hides a received route only where installing it would fight the
 * node's own announcement:
 *
 * - STANDARD is hidden when this node announces a STANDARD route for the same (VNI, destination):
 *   the destination is local here (e.g. a NIC IP during a migration), a remote route must not win.
 * - NAT is hidden only when this node announces a NAT route for the same NAT IP whose port range
 *   overlaps (a conflicting allocation). Other hosts' slices of the same NAT IP are NOT hidden: the
 *   data plane needs them as neighbour NATs to send return traffic to the right host.
 * - LOADBALANCER_TARGET is never hidden: the LB node (which announces the LB IP as STANDARD, and may
 *   host a backend itself) needs every other host's target to program its backends.
 *
 * An origin's own announcements are never delivered back to it at all (filtered by origin id, not by
 * this rule); consumers apply their own routes locally.
 */
export function hidesReceived(own: Iterable<Route>, received: Route): boolean {
  const hop = received.nextHop;
  if (hop.type === "LOADBALANCER_TARGET") return false;
  for (const mine of own) {
    if (mine.nextHop.type !== hop.type) continue;
    if (hop.type === "STANDARD") return true;
    if (rangesOverlap(mine, received)) return true;
  }
  return false;
}

function rangesOverlap(a: Route, b: Route): boolean {
  const aFrom = a.nextHop.natPortRangeFrom ?? 0;
  const aTo = a.nextHop.natPortRangeTo ?? 0;
  const bFrom = b.nextHop.natPortRangeFrom ?? 0;
  const bTo = b.nextHop.natPortRangeTo ?? 0;
  return aFrom <= bTo && bFrom <= aTo;
}
