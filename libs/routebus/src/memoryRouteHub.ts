import {
  type BucketName,
  type ConnectionState,
  keyMatcher,
  keyMatches,
  type RouteStore,
  type StoredEntry,
  type StoreWatch,
  type WatchSink,
} from "./routeStore.js";

interface MemoryRecord {
  revision: number;
  createdMs: number;
  value: Uint8Array | null;
}

/** One in-process KV bucket with JetStream KV's semantics: last value per key, deletions as markers. */
class MemoryBucket {
  private readonly records = new Map<string, MemoryRecord>();
  private readonly watchers = new Set<MemoryWatch>();
  private sequence = 0;

  put(key: string, value: Uint8Array): number {
    return this.write(key, value.slice());
  }

  delete(key: string, ifRevision?: number): boolean {
    // Like JetStream's expected-last-subject-sequence: a key never written has sequence 0.
    if (ifRevision !== undefined && (this.records.get(key)?.revision ?? 0) !== ifRevision) return false;
    this.write(key, null);
    return true;
  }

  get(key: string): StoredEntry | null {
    const record = this.records.get(key);
    return record ? { key, ...record } : null;
  }

  keys(filter: string): string[] {
    const out: string[] = [];
    for (const [key, record] of this.records)
      if (record.value !== null && keyMatches(filter, key)) out.push(key);
    return out;
  }

  /** Last entry per matching key, deletions included, in write order (as a JetStream snapshot). */
  snapshot(filter: string): StoredEntry[] {
    const out: StoredEntry[] = [];
    for (const [key, record] of this.records) if (keyMatches(filter, key)) out.push({ key, ...record });
    return out.sort((a, b) => a.revision - b.revision);
  }

  compact(olderThanMs: number): number {
    const before = Date.now() - olderThanMs;
    let dropped = 0;
    for (const [key, record] of this.records) {
      if (record.value === null && record.createdMs < before) {
        this.records.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  attach(watch: MemoryWatch): void {
    this.watchers.add(watch);
  }

  detach(watch: MemoryWatch): void {
    this.watchers.delete(watch);
  }

  private write(key: string, value: Uint8Array | null): number {
    const record = { revision: ++this.sequence, createdMs: Date.now(), value };
    this.records.set(key, record);
    for (const watch of this.watchers) watch.offer({ key, ...record });
    return record.revision;
  }
}

/**
 * A watch delivered asynchronously and in order (like messages from a server), so callers never
 * see re-entrant callbacks from their own writes.
 */
class MemoryWatch implements StoreWatch {
  private queue: Array<() => void> = [];
  private scheduled = false;
  private active = false;
  private stopped = false;
  private readonly matches: (key: string) => boolean;

  constructor(
    private readonly bucket: MemoryBucket,
    private readonly filter: string,
    private readonly sink: WatchSink,
  ) {
    this.matches = keyMatcher(filter);
  }

  start(): void {
    if (this.stopped) return;
    this.active = true;
    this.bucket.attach(this);
    const snapshot = this.bucket.snapshot(this.filter);
    this.enqueue(() => this.sink.reset());
    for (const entry of snapshot) this.enqueue(() => this.sink.entry(entry));
    this.enqueue(() => this.sink.synced());
  }

  suspend(): void {
    this.active = false;
    this.queue = [];
    this.bucket.detach(this);
  }

  stop(): void {
    this.stopped = true;
    this.suspend();
  }

  offer(entry: StoredEntry): void {
    if (this.active && this.matches(entry.key)) this.enqueue(() => this.sink.entry(entry));
  }

  private enqueue(fn: () => void): void {
    this.queue.push(fn);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue;
      this.queue = [];
      for (const deliver of batch) deliver();
    });
  }
}

/** One client's connection to the hub: a RouteStore whose connectivity the hub can break. */
export class MemoryRouteStore implements RouteStore {
  private current: ConnectionState = "disconnected";
  private opened = false;
  private readonly listeners: Array<(state: ConnectionState) => void> = [];
  private readonly watches = new Set<MemoryWatch>();

  constructor(private readonly hub: MemoryRouteHub) {}

  get state(): ConnectionState {
    return this.current;
  }

  async open(): Promise<void> {
    if (this.current === "closed") throw new Error("memory route store is closed");
    this.opened = true;
    this.current = "connected";
  }

  onStateChange(listener: (state: ConnectionState) => void): void {
    this.listeners.push(listener);
  }

  async put(bucket: BucketName, key: string, value: Uint8Array): Promise<number> {
    this.assertConnected();
    return this.hub.bucket(bucket).put(key, value);
  }

  async get(bucket: BucketName, key: string): Promise<StoredEntry | null> {
    this.assertConnected();
    return this.hub.bucket(bucket).get(key);
  }

  async delete(bucket: BucketName, key: string, ifRevision?: number): Promise<boolean> {
    this.assertConnected();
    return this.hub.bucket(bucket).delete(key, ifRevision);
  }

  async keys(bucket: BucketName, filter: string): Promise<string[]> {
    this.assertConnected();
    return this.hub.bucket(bucket).keys(filter);
  }

  watch(bucket: BucketName, filter: string, sink: WatchSink): StoreWatch {
    const watch = new MemoryWatch(this.hub.bucket(bucket), filter, sink);
    this.watches.add(watch);
    if (this.current === "connected") watch.start();
    return {
      stop: () => {
        watch.stop();
        this.watches.delete(watch);
      },
    };
  }

  async compact(olderThanMs: number): Promise<number> {
    this.assertConnected();
    return this.hub.bucket("routes").compact(olderThanMs);
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    this.current = "closed";
    this.hub.forget(this);
  }

  /** Hub side: the link breaks (watches pause, writes fail) or comes back (watches re-snapshot). */
  setLink(up: boolean): void {
    if (this.current === "closed" || !this.opened) return;
    if (up === (this.current === "connected")) return;
    this.current = up ? "connected" : "disconnected";
    for (const watch of this.watches) {
      if (up) watch.start();
      else watch.suspend();
    }
    this.emit(this.current);
  }

  /** Hub side: the process behind this connection died; nothing more is written or delivered. */
  crash(): void {
    if (this.current === "closed") return;
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    this.current = "closed";
    this.hub.forget(this);
    this.emit("closed");
  }

  private emit(state: ConnectionState): void {
    for (const listener of this.listeners) listener(state);
  }

  private assertConnected(): void {
    if (this.current !== "connected") throw new Error(`not connected to the route hub (${this.current})`);
  }
}

/**
 * The in-process bus: shared buckets and the connections of every client in this process. Used as
 * the embedded default (no NATS) and in fast tests, which can also break links and crash clients.
 */
export class MemoryRouteHub {
  private readonly buckets = { routes: new MemoryBucket(), sessions: new MemoryBucket() };
  private readonly stores = new Set<MemoryRouteStore>();
  private readonly byClient = new WeakMap<object, MemoryRouteStore>();

  bucket(name: BucketName): MemoryBucket {
    return this.buckets[name];
  }

  /** A new connection to this hub. */
  connect(): MemoryRouteStore {
    const store = new MemoryRouteStore(this);
    this.stores.add(store);
    return store;
  }

  forget(store: MemoryRouteStore): void {
    this.stores.delete(store);
  }

  /** Names the client a connection belongs to, for crash/disconnect/reconnect. */
  bind(client: object, store: MemoryRouteStore): void {
    this.byClient.set(client, store);
  }

  /** Simulates the abrupt death of a client's process: no withdrawals, no more heartbeats. */
  crash(client: object): void {
    this.storeOf(client).crash();
  }

  /** Cuts one client off the hub (it keeps running and will re-sync on reconnect). */
  disconnect(client: object): void {
    this.storeOf(client).setLink(false);
  }

  reconnect(client: object): void {
    this.storeOf(client).setLink(true);
  }

  /** Simulates a bus server restart: every link drops for `downMs`, storage survives. */
  async restart(downMs = 50): Promise<void> {
    for (const store of this.stores) store.setLink(false);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    for (const store of this.stores) store.setLink(true);
  }

  private storeOf(client: object): MemoryRouteStore {
    const store = this.byClient.get(client);
    if (!store) throw new Error("not a client of this hub");
    return store;
  }
}

let defaultHub: MemoryRouteHub | undefined;

/** The process-wide hub that MemoryRouteBus clients share unless given their own. */
export function defaultMemoryRouteHub(): MemoryRouteHub {
  defaultHub ??= new MemoryRouteHub();
  return defaultHub;
}
