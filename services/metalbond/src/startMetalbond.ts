import {
  busNames,
  defaultMissedKeepalives,
  MemoryRouteBus,
  type MemoryRouteHub,
  NatsRouteBus,
  RouteReflector,
  type RouteReflectorOptions,
  type StoreRouteBus,
} from "@ironcore-ts/routebus";
import { createLogger, type Logger, type RunningService, startService } from "@ironcore-ts/runtime";
import type { NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import { DEFAULT_KEEPALIVE_MS } from "./config.js";
import { registerMetalbondMetrics } from "./metalbondMetrics.js";
import { metalbondServiceEntry } from "./metalbondService.js";
import { natsSubscribers, type SubscriberSource } from "./natsSubscribers.js";
import { routesJsonRoute } from "./routesJsonRoute.js";
import { TableView } from "./tableView.js";

export type MetalbondBusOptions =
  | {
      kind: "nats";
      /** Default NATS_URL, else 127.0.0.1:4222. */
      servers?: string | string[];
      /** Route bus namespace (bucket prefix); default "routebus", as the clients'. */
      namespace?: string;
      /** Use this connection instead of opening one (its owner closes it). */
      connection?: NatsConnection;
    }
  | {
      kind: "memory";
      /** Default: the process-wide hub (what embedded clients join by default). */
      hub?: MemoryRouteHub;
    };

export interface StartMetalbondOptions {
  /** Process name in logs; default "metalbond". */
  name?: string;
  logger?: Logger;
  /** Port 0 picks a free one (see RunningMetalbond.grpcPort). */
  grpc: { host?: string; port: number };
  http: { host?: string; port: number };
  bus: MetalbondBusOptions;
  /** This reflector's origin id on the bus; unique per running metalbond. Default "metalbond". */
  origin?: string;
  /** Own heartbeat interval; also paces reaping. Default 3 s. */
  keepaliveMs?: number;
  /** An origin is dead after this many of its own intervals without a heartbeat; default 3. */
  missedKeepalives?: number;
  /** Delete dead sessions' routes from storage; default true. */
  reap?: boolean;
  reaper?: Pick<
    RouteReflectorOptions,
    "sweepIntervalMs" | "compactIntervalMs" | "compactOlderThanMs" | "startupGraceMs"
  >;
  /** Prometheus registry; default a registry of its own (main.ts passes the process registry). */
  registry?: Registry;
  shutdownTimeoutMs?: number;
}

export interface RunningMetalbond {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly service: RunningService;
  readonly reflector: RouteReflector;
  /** The bus client the reflector reads through. */
  readonly bus: StoreRouteBus;
  /** Ends Watch streams, closes both ports, then leaves the bus (the stored table stays). */
  stop(): Promise<void>;
}

/**
 * The metalbond service: loads the full table from the bus first, then serves it. Fails if the bus
 * is unreachable at start (main.ts retries); afterwards bus outages are ridden out by the client.
 */
export async function startMetalbond(options: StartMetalbondOptions): Promise<RunningMetalbond> {
  const name = options.name ?? "metalbond";
  const logger = options.logger ?? createLogger(name);
  const keepaliveMs = options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
  const missedKeepalives = options.missedKeepalives ?? defaultMissedKeepalives;
  const origin = options.origin ?? "metalbond";
  const busLogger = logger.child({ component: "routebus" });
  const common = { origin, keepaliveMs, missedKeepalives, logger: busLogger };

  let bus: StoreRouteBus;
  let subscribers: SubscriberSource | undefined;
  if (options.bus.kind === "nats") {
    const nats = new NatsRouteBus({
      ...common,
      servers: options.bus.servers ?? process.env.NATS_URL ?? "127.0.0.1:4222",
      namespace: options.bus.namespace,
      connection: options.bus.connection,
    });
    subscribers = natsSubscribers(() => nats.connection, busNames(options.bus.namespace).routesBucket);
    bus = nats;
  } else {
    bus = new MemoryRouteBus({ ...common, hub: options.bus.hub });
  }

  const reflector = new RouteReflector({ bus, logger: busLogger, reap: options.reap, ...options.reaper });
  try {
    await reflector.start();
  } catch (err) {
    await reflector.close().catch(() => {});
    throw err;
  }

  const registry = options.registry ?? new Registry();
  const unregisterMetrics = registerMetalbondMetrics(registry, { reflector, bus, subscribers });
  const view = new TableView(reflector, bus);
  let service: RunningService;
  try {
    service = await startService({
      name,
      logger,
      grpc: options.grpc,
      http: options.http,
      httpRoutes: { "/routes.json": routesJsonRoute(reflector) },
      services: [
        metalbondServiceEntry({
          reflector,
          view,
          busKind: options.bus.kind,
          keepaliveMs,
          missedKeepalives,
          subscribers,
        }),
      ],
      registry,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
  } catch (err) {
    unregisterMetrics();
    await reflector.close().catch(() => {});
    throw err;
  }
  logger.info(
    { bus: options.bus.kind, origin, routes: reflector.list().length, vnis: reflector.vnis().length },
    "metalbond serving the route table",
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await service.stop();
    unregisterMetrics();
    await reflector.close();
  };
  return {
    grpcPort: service.grpcPort,
    httpPort: service.httpPort,
    service,
    reflector,
    bus,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
