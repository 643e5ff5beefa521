import { type ApiObject, isApiError, objectKey } from "@ironcore-ts/apimachinery";
import type { Logger } from "pino";
import { type BackoffOptions, ExponentialBackoff } from "./backoff.js";
import type { ListWatcher, WatchEvent } from "./listWatcher.js";
import { silentLogger } from "./logging.js";
import { sleep } from "./sleep.js";

export interface InformerOptions {
  /** For log lines (`informer` field); the kind's name is a good choice. */
  name?: string;
  logger?: Logger;
  /** Delay between failed list/watch attempts: 200 ms doubling up to 30 s unless set. */
  backoff?: BackoffOptions;
}

export interface EventHandlers<T extends ApiObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** Computes the values an object is found under in one index (e.g. its node name). */
export type IndexFunc<T extends ApiObject> = (obj: T) => readonly string[];

const defaultInformerBackoff: Required<BackoffOptions> = { baseMs: 200, maxMs: 30_000 };

/**
 * A local, eventually consistent copy of one kind, kept current by list + watch, that tells
 * handlers what changed. Controllers read from it instead of asking the API server.
 *
 * Objects handed out are the cache's own: treat them as read-only and copy before changing them.
 */
export class Informer<T extends ApiObject> {
  readonly name: string;
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> indexed value -> keys of the objects that have it. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly log: Logger;
  private readonly backoff: ExponentialBackoff;
  private synced = false;
  private markSynced!: () => void;
  private readonly syncedPromise = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });
  private running = false;
  private resourceVersion: string | undefined;

  constructor(
    private readonly listWatcher: ListWatcher<T>,
    { name = "informer", logger, backoff = defaultInformerBackoff }: InformerOptions = {},
  ) {
    this.name = name;
    this.log = (logger ?? silentLogger()).child({ informer: name });
    this.backoff = new ExponentialBackoff(backoff);
  }

  /**
   * Lists, then watches, until `signal` aborts; the returned promise settles then. Failures are
   * retried with back-off, never thrown: an informer outlives API server restarts.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`informer ${this.name} is already running`);
    this.running = true;
    try {
      await this.run(signal);
    } finally {
      this.running = false;
    }
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Whether the first list has been loaded; stays true across later re-lists. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false if `signal` aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return true;
    if (signal?.aborted) return false;
    if (!signal) {
      await this.syncedPromise;
      return true;
    }
    let onAbort = () => {};
    const aborted = new Promise<boolean>((resolve) => {
      onAbort = () => resolve(false);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([this.syncedPromise.then(() => true), aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** The resource version the cache is at (for debugging and tests). */
  get lastSyncResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Adds an index; objects already cached are indexed at once. Names must be unique. */
  addIndex(name: string, indexFunc: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`informer ${this.name}: index ${name} already exists`);
    this.indexers.set(name, indexFunc);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, key, undefined, obj);
  }

  /** The cached objects the index maps `value` to. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`informer ${this.name}: no index named ${name}`);
    const keys = index.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.items.get(k)!);
  }

  /**
   * Registers handlers and returns the function that removes them. Like client-go, a handler added
   * to a running informer is first told about every cached object as an add, so late joiners
   * (a controller started after winning an election) see the same world as early ones.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (handlers.onAdd) {
      for (const obj of this.items.values()) this.call(() => handlers.onAdd?.(obj));
    }
    return () => {
      this.handlers.delete(handlers);
    };
  }

  onAdd(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onAdd: fn });
  }

  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void {
    return this.addEventHandler({ onUpdate: fn });
  }

  onDelete(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onDelete: fn });
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        if (signal.aborted) break;
        await this.watch(this.resourceVersion!, signal);
        if (signal.aborted) break;
        this.log.debug({ resourceVersion: this.resourceVersion }, "watch ended; watching again");
      } catch (err) {
        if (signal.aborted) break;
        if (isApiError(err, "Expired")) {
          // History we need is gone: only a fresh list can tell what changed meanwhile.
          this.log.info({ resourceVersion: this.resourceVersion }, "watch expired; listing again");
          this.resourceVersion = undefined;
        } else {
          this.log.warn({ err, resourceVersion: this.resourceVersion }, "list/watch failed; retrying");
        }
      }
      await sleep(this.backoff.next("listwatch"), signal);
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.listWatcher.list();
    this.replace(items);
    this.resourceVersion = resourceVersion;
    this.backoff.forget("listwatch");
    if (!this.synced) {
      this.synced = true;
      this.markSynced();
      this.log.debug({ count: items.length, resourceVersion }, "synced");
    }
  }

  private async watch(resourceVersion: string, signal: AbortSignal): Promise<void> {
    for await (const event of this.listWatcher.watch(resourceVersion, signal)) {
      if (signal.aborted) return;
      this.apply(event);
      const rv = event.object.metadata.resourceVersion;
      if (rv) this.resourceVersion = rv;
      // Events flowing means the connection is healthy: the next hiccup starts back-off afresh.
      this.backoff.forget("listwatch");
    }
  }

  private apply({ type, object }: WatchEvent<T>): void {
    if (type === "BOOKMARK") return;
    const key = objectKey(object.metadata);
    if (type === "DELETED") {
      this.remove(key);
      this.emitDelete(object);
      return;
    }
    // ADDED and MODIFIED are treated alike: what counts is whether the cache knew the object.
    const old = this.upsert(key, object);
    if (old) this.emitUpdate(old, object);
    else this.emitAdd(object);
  }

  /**
   * Makes the cache equal to a fresh list, telling handlers the difference: deletes for objects
   * that vanished (their deletion was missed), updates for changed ones, adds for new ones.
   */
  private replace(items: readonly T[]): void {
    const fresh = new Map(items.map((obj) => [objectKey(obj.metadata), obj] as const));
    for (const [key, old] of [...this.items]) {
      if (fresh.has(key)) continue;
      this.remove(key);
      this.emitDelete(old);
    }
    for (const [key, obj] of fresh) {
      const old = this.upsert(key, obj);
      if (!old) this.emitAdd(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emitUpdate(old, obj);
    }
  }

  private upsert(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const name of this.indexers.keys()) this.indexOne(name, key, old, obj);
    return old;
  }

  private remove(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    for (const name of this.indexers.keys()) this.indexOne(name, key, old, undefined);
  }

  private indexOne(name: string, key: string, old: T | undefined, obj: T | undefined): void {
    const index = this.indices.get(name)!;
    for (const value of old ? this.indexValues(name, old) : []) {
      const keys = index.get(value);
      keys?.delete(key);
      if (keys?.size === 0) index.delete(value);
    }
    for (const value of obj ? this.indexValues(name, obj) : []) {
      let keys = index.get(value);
      if (!keys) {
        keys = new Set();
        index.set(value, keys);
      }
      keys.add(key);
    }
  }

  private indexValues(name: string, obj: T): readonly string[] {
    try {
      return this.indexers.get(name)!(obj);
    } catch (err) {
      // A buggy index function must not stall the watch (the event would be retried forever).
      this.log.error({ err, index: name, key: objectKey(obj.metadata) }, "index function failed");
      return [];
    }
  }

  private emitAdd(obj: T): void {
    for (const h of [...this.handlers]) if (h.onAdd) this.call(() => h.onAdd?.(obj));
  }

  private emitUpdate(old: T, obj: T): void {
    for (const h of [...this.handlers]) if (h.onUpdate) this.call(() => h.onUpdate?.(old, obj));
  }

  private emitDelete(obj: T): void {
    for (const h of [...this.handlers]) if (h.onDelete) this.call(() => h.onDelete?.(obj));
  }

  /** One failing handler must neither stop the others nor the informer. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, "event handler failed");
    }
  }
}
