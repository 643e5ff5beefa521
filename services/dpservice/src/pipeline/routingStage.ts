import { formatIpv4, formatIpv6, ipv6FromBigInt } from "@ironcore-ts/packet";
import type { LpmEntry } from "../state/lpmEntry.js";
import type { RouteTarget } from "../state/routeTarget.js";
import type { VniTables } from "../state/vniTables.js";
import { Drop } from "./dropReasons.js";
import { type FlowSide, OutKind } from "./flow.js";

export type RouteEntry = LpmEntry<number | bigint, RouteTarget>;

/**
 * Per-VNI longest-prefix match (the state's LPM tables). A match on a prefix of length 0 marks the
 * flow south-north (public): that alone triggers VIP/NAT source translation.
 */
export function lookupRoute(
  vnis: VniTables,
  vni: number,
  family: 4 | 6,
  dst4: number,
  dst6: bigint,
): RouteEntry | undefined {
  return family === 4 ? vnis.lookupV4(vni, dst4) : vnis.lookupV6(vni, dst6);
}

/** Sets a flow direction's output from a route: a local VF, the fabric towards the next hop, or a drop. */
export function setOutputFromRoute(side: FlowSide, entry: RouteEntry | undefined): void {
  if (!entry) {
    side.outKind = OutKind.Drop;
    side.dropReason = Drop.noRoute;
    return;
  }
  const target = entry.value;
  if (target.kind === "local") {
    side.outKind = OutKind.Vf;
    side.outVf = target.iface.vf.index;
    return;
  }
  side.outKind = OutKind.Fabric;
  // A new spec object only when the next hop changed: the established path reuses it.
  if (side.underlay?.dst !== target.nextHop.bytes || side.underlay.src !== side.outerSrc) {
    side.underlay = { src: side.outerSrc, dst: target.nextHop.bytes };
  }
}

/** Re-resolves an unpinned direction after a route change (see Pipeline.routeGen). */
export function resolveOutput(vnis: VniTables, side: FlowSide, routeGen: number): void {
  setOutputFromRoute(
    side,
    lookupRoute(vnis, side.routeVni, side.flow.family, side.routeDst4, side.routeDst6),
  );
  side.resolvedGen = routeGen;
}

/** "10.0.0.0/24 -> local vm2" / "0.0.0.0/0 -> fabric fc00:ffff::1 (VNI 100, south-north)", for traces. */
export function describeRoute(entry: RouteEntry, family: 4 | 6): string {
  const prefix =
    family === 4
      ? `${formatIpv4(entry.address as number)}/${entry.length}`
      : `${formatIpv6(ipv6FromBigInt(entry.address as bigint))}/${entry.length}`;
  const t = entry.value;
  const where =
    t.kind === "local"
      ? `local interface ${t.iface.id} (${t.iface.vf.name})`
      : `next hop ${t.nextHop.text} VNI ${t.nextHopVni}`;
  return `${prefix} -> ${where}${entry.length === 0 ? ", south-north" : ""}`;
}
