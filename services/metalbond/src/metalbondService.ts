import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { MetalbondService } from "@ironcore-ts/gen/ironcore/metalbond/v1/metalbond_pb.js";
import { assertVni, type RouteReflector } from "@ironcore-ts/routebus";
import type { ServiceEntry } from "@ironcore-ts/runtime";
import type { SubscriberSource } from "./natsSubscribers.js";
import { compareByVni, routeMessage } from "./routeMessages.js";
import type { TableView } from "./tableView.js";

export interface MetalbondServiceDeps {
  reflector: RouteReflector;
  view: TableView;
  /** "nats" or "memory", reported by GetStats. */
  busKind: string;
  keepaliveMs: number;
  missedKeepalives: number;
  subscribers?: SubscriberSource;
}

/** Request VNI 0 means every VNI; anything else must be a valid 24-bit VNI. */
function vniFilter(vni: number): number | undefined {
  if (vni === 0) return undefined;
  assertVni(vni);
  return vni;
}

export function createMetalbondServiceImpl(deps: MetalbondServiceDeps): ServiceImpl<typeof MetalbondService> {
  const { reflector, view } = deps;
  return {
    listRoutes(req) {
      const vni = vniFilter(req.vni);
      return { routes: view.routes(vni).map((r) => routeMessage(r.route, r.origins)) };
    },

    async *watch(req, ctx) {
      const vni = vniFilter(req.vni);
      // Our own stop signal as well as the client's: ending this generator early (the client went
      // away while we were sending the table) must also end the reflector's watch and its listeners.
      const done = new AbortController();
      const onAbort = () => done.abort();
      ctx.signal.addEventListener("abort", onAbort);
      const events = reflector.watch({ signal: done.signal, replay: false });
      try {
        // The first next() registers the listeners synchronously, before the table is read below,
        // so no change falls between the table and the live events.
        let next = events.next();
        const current = deps.view.routes(vni);
        if (!req.changesOnly) {
          for (const r of current) yield { type: "ADDED", route: routeMessage(r.route, r.origins) };
        }
        yield { type: "SYNCED" };
        for (let result = await next; !result.done; result = await next) {
          next = events.next();
          const { type, route } = result.value;
          if (vni !== undefined && route.vni !== vni) continue;
          yield { type: type === "add" ? "ADDED" : "REMOVED", route: routeMessage(route) };
        }
      } finally {
        ctx.signal.removeEventListener("abort", onAbort);
        // abort() wakes a watch waiting for changes; return() closes one paused at a yield (it may
        // hold a prefetched event). Either way its listeners are removed.
        done.abort();
        void events.return(undefined);
      }
    },

    async getStats() {
      const routes = reflector.list().sort(compareByVni);
      const stats = reflector.stats();
      const subscribers = await deps.subscribers?.();
      const perVni = new Map<number, { routes: number; subscribers: number }>();
      for (const r of routes) {
        const s = perVni.get(r.vni) ?? { routes: 0, subscribers: 0 };
        s.routes++;
        perVni.set(r.vni, s);
      }
      for (const [vni, n] of subscribers?.perVni ?? []) {
        const s = perVni.get(vni) ?? { routes: 0, subscribers: 0 };
        s.subscribers = n;
        perVni.set(vni, s);
      }
      return {
        routes: routes.length,
        vnis: [...perVni.entries()].sort(([a], [b]) => a - b).map(([vni, s]) => ({ vni, ...s })),
        origins: view.origins().map((o) => ({
          origin: o.origin,
          session: o.session,
          live: o.live,
          lastHeartbeat: timestampFromMs(Math.round(o.lastHeardMs)),
          startedAt: timestampFromMs(o.startedAt),
          keepaliveMs: o.keepaliveMs,
          routes: o.routes,
        })),
        allVniSubscribers: subscribers?.allVnis ?? 0,
        busConnected: stats.connected,
        bus: deps.busKind,
        watchers: stats.watchers,
        reapedEntries: BigInt(stats.reapedEntries),
        reapedSessions: BigInt(stats.reapedSessions),
        keepaliveMs: deps.keepaliveMs,
        missedKeepalives: deps.missedKeepalives,
      };
    },
  };
}

export function metalbondServiceEntry(deps: MetalbondServiceDeps): ServiceEntry<typeof MetalbondService> {
  return { service: MetalbondService, impl: createMetalbondServiceImpl(deps) };
}
