import {
  keyOfNormalized,
  type OriginStatus,
  type Route,
  type RouteReflector,
  type StoreRouteBus,
} from "@ironcore-ts/routebus";
import { compareByVni } from "./routeMessages.js";

type ReapSource = ReturnType<StoreRouteBus["reapSource"]>;

export interface RouteWithOrigins {
  route: Route;
  /** Origins whose live session announces the route, sorted. */
  origins: string[];
}

export interface OriginWithRoutes extends OriginStatus {
  /** Stored announcements of the origin's current session. */
  routes: number;
}

/**
 * What metalbond reports beyond the reflector's own listing: which origins announce each route
 * and how many routes each origin holds. The reflector only exposes the installed routes, so this
 * reads the bus's received entries (the reaper's read-only view) and keeps those of live sessions,
 * which is exactly the set the installed routes were counted from.
 */
export class TableView {
  private readonly source: ReapSource;

  constructor(
    private readonly reflector: RouteReflector,
    bus: StoreRouteBus,
  ) {
    this.source = bus.reapSource();
  }

  /** Installed routes of one VNI (or all), sorted by VNI then identity, with their origins. */
  routes(vni?: number): RouteWithOrigins[] {
    const origins = this.originsByRoute();
    return this.reflector
      .list(vni)
      .sort(compareByVni)
      .map((route) => ({ route, origins: origins.get(keyOfNormalized(route)) ?? [] }));
  }

  /** Every origin heard of, by name, with the number of routes its current session stores. */
  origins(): OriginWithRoutes[] {
    const counts = new Map<string, number>();
    for (const e of this.source.allEntries()) {
      const id = sessionId(e.origin, e.session);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return this.source
      .origins()
      .sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0))
      .map((o) => ({ ...o, routes: counts.get(sessionId(o.origin, o.session)) ?? 0 }));
  }

  private originsByRoute(): Map<string, string[]> {
    const byRoute = new Map<string, Set<string>>();
    for (const e of this.source.allEntries()) {
      const status = this.source.originStatus(e.origin);
      if (!status?.live || status.session !== e.session) continue;
      let set = byRoute.get(e.routeKey);
      if (!set) {
        set = new Set();
        byRoute.set(e.routeKey, set);
      }
      set.add(e.origin);
    }
    const out = new Map<string, string[]>();
    for (const [key, set] of byRoute) out.set(key, [...set].sort());
    return out;
  }
}

function sessionId(origin: string, session: string): string {
  return `${origin}\u0000${session}`;
}
