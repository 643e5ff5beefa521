import { defaultLogger, type Logger } from "./logger.js";
import { Reaper, type ReaperStats } from "./reaper.js";
import type { Route } from "./route.js";
import { type RoutesJson, toRoutesJson } from "./routesJson.js";
import type { RouteBusStats, StoreRouteBus } from "./storeRouteBus.js";

export const routebusVersion = "0.1.0";

export interface RouteReflectorOptions {
  /** The bus client to read from (a NatsRouteBus or MemoryRouteBus the reflector owns and closes). */
  bus: StoreRouteBus;
  /** Remove dead sessions' routes from storage; default true. */
  reap?: boolean;
  sweepIntervalMs?: number;
  compactIntervalMs?: number;
  compactOlderThanMs?: number;
  startupGraceMs?: number;
  logger?: Logger;
}

export interface RouteEvent {
  type: "add" | "remove";
  route: Route;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /** Start with an "add" for every route currently installed; default true. */
  replay?: boolean;
}

export interface ReflectorStats extends RouteBusStats, ReaperStats {
  vnis: number;
  watchers: number;
}

/**
 * The server side of metalbond on the bus: the authoritative table of every VNI from every live
 * origin. It holds nothing of its own: the table is read from JetStream (so a restart of the
 * reflector or of NATS loses nothing), and subscribers never depend on it being up: it only adds the
 * listing/watch API for a gRPC service and reaps dead sessions from storage.
 */
export class RouteReflector {
  private readonly bus: StoreRouteBus;
  private readonly reaper: Reaper | undefined;
  private readonly log: Logger;
  private readonly endWatchers = new Set<() => void>();
  private started: Promise<void> | undefined;

  constructor(options: RouteReflectorOptions) {
    this.bus = options.bus;
    this.log = options.logger ?? defaultLogger();
    if (options.reap ?? true) {
      this.reaper = new Reaper(this.bus.reapSource(), {
        sweepIntervalMs: options.sweepIntervalMs,
        compactIntervalMs: options.compactIntervalMs,
        compactOlderThanMs: options.compactOlderThanMs,
        startupGraceMs: options.startupGraceMs,
        log: this.log,
      });
    }
  }

  /** Connects, loads the full table of every VNI, and starts reaping. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.bus.connect();
      await this.bus.subscribeAll();
      this.reaper?.start();
    })();
    return this.started;
  }

  list(vni?: number): Route[] {
    return this.bus.routes(vni);
  }

  vnis(): number[] {
    return this.bus.vnis();
  }

  /**
   * Route changes as they happen (after the current table, unless replay is false). Ends when the
   * signal aborts or the reflector closes. Listening starts at the first next().
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<RouteEvent, void, undefined> {
    const queue: RouteEvent[] = [];
    let head = 0;
    let wake: (() => void) | undefined;
    let ended = options.signal?.aborted ?? false;
    const push = (event: RouteEvent) => {
      queue.push(event);
      wake?.();
    };
    const end = () => {
      ended = true;
      wake?.();
    };
    if (options.replay ?? true) for (const route of this.bus.routes()) queue.push({ type: "add", route });
    const offAdd = this.bus.onAdd((route) => push({ type: "add", route }));
    const offRemove = this.bus.onRemove((route) => push({ type: "remove", route }));
    options.signal?.addEventListener("abort", end);
    this.endWatchers.add(end);
    try {
      for (;;) {
        while (head < queue.length && !ended) {
          const event = queue[head++];
          if (event) yield event;
          if (head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
        }
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      offAdd();
      offRemove();
      options.signal?.removeEventListener("abort", end);
      this.endWatchers.delete(end);
    }
  }

  stats(): ReflectorStats {
    return {
      ...this.bus.stats(),
      ...(this.reaper?.counts() ?? { reapedEntries: 0, reapedSessions: 0, compactedMarkers: 0 }),
      vnis: this.bus.vnis().length,
      watchers: this.endWatchers.size,
    };
  }

  /** The table in the shape of metalbond's GET /routes.json. */
  toRoutesJson(now: Date = new Date()): RoutesJson {
    return toRoutesJson(this.bus.routes(), `ironcore-ts routebus ${routebusVersion}`, now);
  }

  /** Runs one reaper pass now (tests, admin endpoints). */
  async reapNow(): Promise<void> {
    await this.reaper?.sweep(Date.now());
  }

  async close(): Promise<void> {
    this.reaper?.stop();
    for (const end of [...this.endWatchers]) end();
    await this.bus.close();
  }
}
