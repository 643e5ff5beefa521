import type { NextHopType, Route } from "./route.js";

/** A next hop as metalbond's GET /routes.json prints it (Go field names, type as its protobuf number). */
export interface RoutesJsonNextHop {
  TargetAddress: string;
  TargetVNI: number;
  Type: number;
  NATPortRangeFrom: number;
  NATPortRangeTo: number;
}

/**
 * metalbond's GET /routes.json: `vnet` maps VNI to destination to next hops. The destination key is
 * the JSON text of Go's Destination ({"IPVersion":4,"Prefix":"10.0.0.1/32"}); next hops are sorted by
 * their Go String() form ("<target>" or "<target> (VNI: n)").
 */
export interface RoutesJson {
  date: string;
  vnet: Record<string, Record<string, RoutesJsonNextHop[]>>;
  metalbondVersion: string;
}

const typeNumbers: Record<NextHopType, number> = { STANDARD: 0, NAT: 1, LOADBALANCER_TARGET: 2 };

export function toRoutesJson(routes: Iterable<Route>, version: string, now: Date = new Date()): RoutesJson {
  const vnet: Record<string, Record<string, RoutesJsonNextHop[]>> = {};
  for (const route of routes) {
    const destinations = vnet[String(route.vni)] ?? {};
    vnet[String(route.vni)] = destinations;
    const key = JSON.stringify({ IPVersion: route.destination.ipVersion, Prefix: route.destination.prefix });
    const hops = destinations[key] ?? [];
    destinations[key] = hops;
    hops.push({
      TargetAddress: route.nextHop.targetAddress,
      TargetVNI: route.nextHop.targetVni,
      Type: typeNumbers[route.nextHop.type],
      NATPortRangeFrom: route.nextHop.natPortRangeFrom ?? 0,
      NATPortRangeTo: route.nextHop.natPortRangeTo ?? 0,
    });
  }
  for (const destinations of Object.values(vnet)) {
    for (const hops of Object.values(destinations)) hops.sort(compareHops);
  }
  return { date: goDate(now), vnet, metalbondVersion: version };
}

function hopString(h: RoutesJsonNextHop): string {
  return h.TargetVNI !== 0 ? `${h.TargetAddress} (VNI: ${h.TargetVNI})` : h.TargetAddress;
}

function compareHops(a: RoutesJsonNextHop, b: RoutesJsonNextHop): number {
  const sa = hopString(a);
  const sb = hopString(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.Type - b.Type || a.NATPortRangeFrom - b.NATPortRangeFrom || a.NATPortRangeTo - b.NATPortRangeTo;
}

/** Go's time.Now().Format("2006-01-02 15:04:05"): local time. */
function goDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
