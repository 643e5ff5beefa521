import { hostname } from "node:os";
import { ConfigError, EnvConfig } from "@ironcore-ts/runtime";

/** Which bus the reflector reads: NATS JetStream (the deployment) or the in-process hub. */
export type MetalbondBusConfig =
  | { kind: "nats"; servers: string[]; namespace: string }
  /** Only useful embedded: the hub is per process, so only clients in this process reach it. */
  | { kind: "memory" };

/** Environment of the metalbond process; see README.md "Configuration". */
export interface MetalbondConfig {
  grpc: { host: string; port: number };
  http: { host: string; port: number };
  bus: MetalbondBusConfig;
  /** Origin id of this reflector on the bus; unique per running metalbond. */
  origin: string;
  keepaliveMs: number;
  missedKeepalives: number;
  reap: boolean;
}

/** Upstream's server port. */
export const DEFAULT_GRPC_PORT = 4711;
/** Upstream's dev setup serves /routes.json on 4712. */
export const DEFAULT_HTTP_PORT = 4712;
/** metalnet's keepalive (upstream's dev setup runs `metalbond server --keepalive 3`). */
export const DEFAULT_KEEPALIVE_MS = 3000;

export function loadConfig(env: EnvConfig = new EnvConfig()): MetalbondConfig {
  const host = env.string("METALBOND_HOST", "0.0.0.0");
  const namespace = env.string("METALBOND_NAMESPACE", "routebus");
  if (!/^[-_A-Za-z0-9]+$/.test(namespace)) {
    throw new ConfigError(`METALBOND_NAMESPACE must match [-_A-Za-z0-9]+, got ${JSON.stringify(namespace)}`);
  }
  const kind = env.oneOf("METALBOND_BUS", ["nats", "memory"] as const, "nats");
  const keepaliveMs = env.durationMs("METALBOND_KEEPALIVE", DEFAULT_KEEPALIVE_MS);
  if (keepaliveMs < 10)
    throw new ConfigError(`METALBOND_KEEPALIVE must be at least 10ms, got ${keepaliveMs}ms`);
  return {
    grpc: { host, port: env.port("METALBOND_PORT", DEFAULT_GRPC_PORT) },
    http: {
      host: env.string("METALBOND_HTTP_HOST", host),
      port: env.port("METALBOND_HTTP_PORT", DEFAULT_HTTP_PORT),
    },
    bus:
      kind === "memory" ? { kind } : { kind, servers: env.list("NATS_URL", ["127.0.0.1:4222"]), namespace },
    origin: env.string("METALBOND_ORIGIN", `metalbond-${hostname()}`),
    keepaliveMs,
    missedKeepalives: env.number("METALBOND_MISSED_KEEPALIVES", 2.5, { min: 1.5, max: 100 }),
    reap: env.bool("METALBOND_REAP", true),
  };
}
