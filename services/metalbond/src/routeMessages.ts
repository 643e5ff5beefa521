import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RouteSchema } from "@ironcore-ts/gen/ironcore/metalbond/v1/metalbond_pb.js";
import { compareRoutes, type Route } from "@ironcore-ts/routebus";

export type RouteInit = MessageInitShape<typeof RouteSchema>;

/** A bus route as the proto Route; ports are 0 unless the next hop is NAT (as on metalbond's wire). */
export function routeMessage(route: Route, origins: readonly string[] = []): RouteInit {
  const hop = route.nextHop;
  return {
    vni: route.vni,
    destination: { ipVersion: route.destination.ipVersion, prefix: route.destination.prefix },
    nextHop: {
      targetAddress: hop.targetAddress,
      targetVni: hop.targetVni,
      type: hop.type,
      natPortRangeFrom: hop.natPortRangeFrom ?? 0,
      natPortRangeTo: hop.natPortRangeTo ?? 0,
    },
    origins: [...origins],
  };
}

/** VNI ascending, then the route's identity (destination, next hop), for stable listings. */
export function compareByVni(a: Route, b: Route): number {
  return a.vni - b.vni || compareRoutes(a, b);
}
