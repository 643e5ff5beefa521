import { MemoryStore } from "./memoryStore.js";
import { RedisStore } from "./redisStore.js";
import type { Store } from "./store.js";

export interface OpenStoreOptions {
  /** Redis URL; when absent, Redis on 127.0.0.1:6379 is used if it answers. */
  redisUrl?: string;
  /** "memory" forces the in-memory store, "redis" requires Redis. */
  mode?: "auto" | "memory" | "redis";
  /** Keyspace of this service in Redis, e.g. "ironcore-api:". */
  keyPrefix: string;
}

export interface OpenedStore {
  store: Store;
  /** What a person reads in the start-up log: "redis://127.0.0.1:6379 (prefix ironcore-api:)". */
  description: string;
  kind: "redis" | "memory";
}

async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const { Redis } = await import("ioredis");
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The store a service starts with: Redis when configured or reachable (state survives
 * restarts), otherwise memory (the embedded default, which forgets everything on exit).
 */
export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const mode = options.mode ?? "auto";
  if (mode !== "memory") {
    const url = options.redisUrl ?? "redis://127.0.0.1:6379";
    if (options.redisUrl || mode === "redis" || (await redisAnswers(url))) {
      const store = new RedisStore({ url, keyPrefix: options.keyPrefix });
      return { store, kind: "redis", description: `Redis ${url} (key prefix ${options.keyPrefix})` };
    }
  }
  return {
    store: new MemoryStore(),
    kind: "memory",
    description: "in-memory store (objects are lost on exit)",
  };
}
