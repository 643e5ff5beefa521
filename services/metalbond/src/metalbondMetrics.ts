import type { RouteReflector, StoreRouteBus } from "@ironcore-ts/routebus";
import { Counter, Gauge, type Registry } from "prom-client";
import type { SubscriberSource } from "./natsSubscribers.js";

export interface MetalbondMetricsSources {
  reflector: RouteReflector;
  bus: StoreRouteBus;
  subscribers?: SubscriberSource;
}

/**
 * metalbond's Prometheus metrics. Gauges are computed at scrape time from the table (nothing to
 * keep in step); the add/remove counters follow the bus's installed-route events. Returns a
 * function that unregisters everything, so a restarted instance can use the same registry.
 */
const metricNames = [
  "metalbond_routes",
  "metalbond_origins",
  "metalbond_subscribers",
  "metalbond_watchers",
  "metalbond_bus_connected",
  "metalbond_route_adds_total",
  "metalbond_route_removes_total",
  "metalbond_reaped_entries_total",
  "metalbond_reaped_sessions_total",
] as const;

export function registerMetalbondMetrics(registry: Registry, sources: MetalbondMetricsSources): () => void {
  const { reflector, bus } = sources;
  const registers = [registry];
  new Gauge({
    name: "metalbond_routes",
    help: "Installed routes (announced by at least one live origin), per VNI.",
    labelNames: ["vni"],
    registers,
    collect() {
      this.reset();
      const perVni = new Map<number, number>();
      for (const r of reflector.list()) perVni.set(r.vni, (perVni.get(r.vni) ?? 0) + 1);
      for (const [vni, n] of perVni) this.set({ vni: String(vni) }, n);
    },
  });
  new Gauge({
    name: "metalbond_origins",
    help: "Origins (announcing nodes) known on the bus, by liveness.",
    labelNames: ["state"],
    registers,
    collect() {
      const all = bus.origins();
      const live = all.filter((o) => o.live).length;
      this.set({ state: "live" }, live);
      this.set({ state: "dead" }, all.length - live);
    },
  });
  new Gauge({
    name: "metalbond_subscribers",
    help: 'Active bus subscriptions per VNI ("all" for subscriptions to every VNI); absent when unknown.',
    labelNames: ["vni"],
    registers,
    async collect() {
      this.reset();
      const counts = await sources.subscribers?.();
      if (!counts) return;
      for (const [vni, n] of counts.perVni) this.set({ vni: String(vni) }, n);
      this.set({ vni: "all" }, counts.allVnis);
    },
  });
  new Gauge({
    name: "metalbond_watchers",
    help: "Open Watch streams.",
    registers,
    collect() {
      this.set(reflector.stats().watchers);
    },
  });
  new Gauge({
    name: "metalbond_bus_connected",
    help: "1 while the route bus is reachable.",
    registers,
    collect() {
      this.set(bus.connected ? 1 : 0);
    },
  });
  const adds = new Counter({
    name: "metalbond_route_adds_total",
    help: "Routes that became installed (first live origin announced them).",
    registers,
  });
  const removes = new Counter({
    name: "metalbond_route_removes_total",
    help: "Routes that were uninstalled (last origin withdrew them or died).",
    registers,
  });
  let reapedSeen = { entries: 0, sessions: 0 };
  new Counter({
    name: "metalbond_reaped_entries_total",
    help: "Stored announcements of dead sessions deleted by this metalbond.",
    registers,
    collect() {
      const s = reflector.stats();
      this.inc(s.reapedEntries - reapedSeen.entries);
      reapedSeen = { ...reapedSeen, entries: s.reapedEntries };
    },
  });
  new Counter({
    name: "metalbond_reaped_sessions_total",
    help: "Expired session keys deleted by this metalbond.",
    registers,
    collect() {
      const s = reflector.stats();
      this.inc(s.reapedSessions - reapedSeen.sessions);
      reapedSeen = { ...reapedSeen, sessions: s.reapedSessions };
    },
  });
  const offAdd = bus.onAdd(() => adds.inc());
  const offRemove = bus.onRemove(() => removes.inc());
  return () => {
    offAdd();
    offRemove();
    for (const name of metricNames) registry.removeSingleMetric(name);
  };
}
