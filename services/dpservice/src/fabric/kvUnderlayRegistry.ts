import { MemoryUnderlayRegistry } from "./memoryUnderlayRegistry.js";
import {
  type FabricEndpoint,
  prefix64FromHex,
  prefix64Hex,
  type UnderlayRegistry,
} from "./underlayRegistry.js";

/**
 * The part of a key-value bucket the registry needs. A NATS JetStream KV bucket
 * (@nats-io/kv: `kv.put`, `kv.delete`, `kv.watch()`) fits behind it in a few lines; the
 * in-memory MemoryKv serves tests and single-process setups.
 */
export interface FabricKv {
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Calls `onChange` for every current entry, then for every change (value undefined = deleted),
   * until the returned stop function is called.
   */
  watch(onChange: (key: string, value: string | undefined) => void): Promise<() => void>;
}

/**
 * Underlay /64 -> endpoint registry over a KV bucket, so dpservices find each other without static
 * configuration and nodes can join at run time. Key: the /64 as 16 hex digits; value: JSON
 * {host, port}. Lookups are served from a local mirror kept by the watch (no I/O per packet).
 */
export class KvUnderlayRegistry implements UnderlayRegistry {
  private readonly mirror = new MemoryUnderlayRegistry();
  private stopWatch: (() => void) | undefined;

  private constructor(private readonly kv: FabricKv) {}

  static async open(kv: FabricKv): Promise<KvUnderlayRegistry> {
    const registry = new KvUnderlayRegistry(kv);
    registry.stopWatch = await kv.watch((key, value) => registry.apply(key, value));
    return registry;
  }

  private apply(key: string, value: string | undefined): void {
    const prefix = prefix64FromHex(key);
    if (!prefix) return;
    if (value === undefined) {
      this.mirror.delete(prefix);
      return;
    }
    try {
      const e = JSON.parse(value) as Partial<FabricEndpoint>;
      if (typeof e.host === "string" && typeof e.port === "number")
        this.mirror.set(prefix, { host: e.host, port: e.port });
    } catch {
      // A malformed entry is ignored; the owner rewrites it on its next announce.
    }
  }

  lookup(address: Uint8Array, offset: number): FabricEndpoint | undefined {
    return this.mirror.lookup(address, offset);
  }

  async announce(prefix: Uint8Array, endpoint: FabricEndpoint): Promise<void> {
    // Visible locally at once; the watch confirms it.
    this.mirror.set(prefix, endpoint);
    await this.kv.put(prefix64Hex(prefix), JSON.stringify({ host: endpoint.host, port: endpoint.port }));
  }

  async withdraw(prefix: Uint8Array): Promise<void> {
    this.mirror.delete(prefix);
    await this.kv.delete(prefix64Hex(prefix));
  }

  list(): { prefix: string; endpoint: FabricEndpoint }[] {
    return this.mirror.list();
  }

  async close(): Promise<void> {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }
}

/** An in-memory FabricKv, shared by the registries of several nodes in one process. */
export class MemoryKv implements FabricKv {
  private readonly entries = new Map<string, string>();
  private readonly watchers = new Set<(key: string, value: string | undefined) => void>();

  async put(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
    for (const w of this.watchers) w(key, value);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
    for (const w of this.watchers) w(key, undefined);
  }

  async watch(onChange: (key: string, value: string | undefined) => void): Promise<() => void> {
    for (const [k, v] of this.entries) onChange(k, v);
    this.watchers.add(onChange);
    return () => this.watchers.delete(onChange);
  }
}
