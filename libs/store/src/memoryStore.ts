import { EventLog } from "./eventLog.js";
import { checkHistoryLimit, defaultHistoryLimit } from "./historyLimit.js";
import type {
  ListOptions,
  ListResult,
  Store,
  StoreEvent,
  StoreEventType,
  StoreRecord,
  WatchOptions,
} from "./store.js";
import { storeErrors } from "./storeErrors.js";
import { Watcher } from "./watcher.js";

export interface MemoryStoreOptions {
  /** Events kept per collection for watches that resume from an older version (default 10,000). */
  historyLimit?: number;
}

interface StoredValue {
  value: string;
  resourceVersion: number;
}

interface Collection {
  objects: Map<string, StoredValue>;
  log: EventLog;
  watchers: Set<Watcher>;
}

/**
 * The store of one process: the embedded default and the fast one for tests. Every method does its
 * work synchronously before its promise settles, so calls take effect in call order, exactly like
 * commands sent down one Redis connection.
 */
export class MemoryStore implements Store {
  private readonly collections = new Map<string, Collection>();
  private readonly historyLimit: number;
  private version = 0;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.historyLimit = checkHistoryLimit(options.historyLimit ?? defaultHistoryLimit);
  }

  async get(collection: string, name: string): Promise<StoreRecord | undefined> {
    this.checkOpen();
    const stored = this.collections.get(collection)?.objects.get(name);
    return stored && { name, value: stored.value, resourceVersion: stored.resourceVersion };
  }

  async list(collection: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const prefix = options.prefix ?? "";
    const items: StoreRecord[] = [];
    for (const [name, stored] of this.collections.get(collection)?.objects ?? []) {
      if (name.startsWith(prefix))
        items.push({ name, value: stored.value, resourceVersion: stored.resourceVersion });
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { items, resourceVersion: this.version };
  }

  async create(collection: string, name: string, value: string): Promise<StoreRecord> {
    this.checkOpen();
    const c = this.collection(collection);
    if (c.objects.has(name)) throw storeErrors.alreadyExists(collection, name);
    return this.write(c, "ADDED", name, value);
  }

  async update(
    collection: string,
    name: string,
    value: string,
    expectedResourceVersion?: number,
  ): Promise<StoreRecord> {
    this.checkOpen();
    const c = this.collection(collection);
    this.existing(c, collection, name, expectedResourceVersion);
    return this.write(c, "MODIFIED", name, value);
  }

  async delete(collection: string, name: string, expectedResourceVersion?: number): Promise<StoreRecord> {
    this.checkOpen();
    const c = this.collection(collection);
    const stored = this.existing(c, collection, name, expectedResourceVersion);
    c.objects.delete(name);
    return this.write(c, "DELETED", name, stored.value);
  }

  watch(collection: string, options: WatchOptions): AsyncIterableIterator<StoreEvent> {
    const c = this.collection(collection);
    const watcher = new Watcher(options.prefix ?? "", options.signal, (w) => c.watchers.delete(w));
    if (watcher.done) return watcher;
    if (this.closed) {
      watcher.fail(storeErrors.closed());
      return watcher;
    }
    if (!Number.isSafeInteger(options.fromResourceVersion) || options.fromResourceVersion < 0) {
      watcher.fail(storeErrors.invalidVersion(options.fromResourceVersion));
      return watcher;
    }
    const from = options.fromResourceVersion === 0 ? this.version : options.fromResourceVersion;
    watcher.startAfter(from);
    if (c.log.isExpired(from)) {
      watcher.fail(storeErrors.expired(from, c.log.oldestKept()));
      return watcher;
    }
    watcher.replayed(c.log.after(from));
    c.watchers.add(watcher);
    return watcher;
  }

  async currentResourceVersion(): Promise<number> {
    return this.version;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.collections.values()) {
      for (const watcher of [...c.watchers]) watcher.finish();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw storeErrors.closed();
  }

  private collection(name: string): Collection {
    let c = this.collections.get(name);
    if (!c) {
      c = { objects: new Map(), log: new EventLog(this.historyLimit), watchers: new Set() };
      this.collections.set(name, c);
    }
    return c;
  }

  private existing(
    c: Collection,
    collection: string,
    name: string,
    expected: number | undefined,
  ): StoredValue {
    const stored = c.objects.get(name);
    if (!stored) throw storeErrors.notFound(collection, name);
    if (expected !== undefined && expected !== stored.resourceVersion) {
      throw storeErrors.conflict(collection, name, expected, stored.resourceVersion);
    }
    return stored;
  }

  private write(c: Collection, type: StoreEventType, name: string, value: string): StoreRecord {
    const resourceVersion = ++this.version;
    if (type !== "DELETED") c.objects.set(name, { value, resourceVersion });
    const event: StoreEvent = { type, name, value, resourceVersion };
    c.log.append(event);
    for (const watcher of c.watchers) watcher.offer(event);
    return { name, value, resourceVersion };
  }
}
