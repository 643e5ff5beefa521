import { Redis } from "ioredis";
import { checkHistoryLimit, defaultHistoryLimit } from "./historyLimit.js";
import { RedisKeys } from "./redisKeys.js";
import {
  asArray,
  asString,
  asVersion,
  parseStored,
  parseStreamEntry,
  unexpectedReply,
} from "./redisReplies.js";
import { defineStoreScripts, type ScriptedRedis } from "./redisScripts.js";
import type { ListOptions, ListResult, Store, StoreEvent, StoreRecord, WatchOptions } from "./store.js";
import { storeErrors } from "./storeErrors.js";
import { StreamReader } from "./streamReader.js";
import { Watcher } from "./watcher.js";

export interface RedisStoreOptions {
  /** Used when no connection is passed; defaults to redis://127.0.0.1:6379. */
  url?: string;
  /** A connection to use for commands (not closed by close()); must not have its own keyPrefix. */
  redis?: Redis;
  /** Every key of this store starts with it; two stores with the same prefix share their data. */
  keyPrefix: string;
  /** Events kept per collection for watches that resume from an older version (default 10,000). */
  historyLimit?: number;
}

const replayPageSize = 1000;

/**
 * The store on Redis. Every operation is one round trip: get is an HGET, the writes and list are
 * one Lua script each (see redisScripts.ts for the layout and why it is atomic). Watches of one
 * store share one extra connection that blocks on XREAD (streamReader.ts).
 */
export class RedisStore implements Store {
  private readonly redis: ScriptedRedis;
  private readonly ownsConnection: boolean;
  private readonly keys: RedisKeys;
  private readonly keyPrefix: string;
  private readonly historyLimit: number;
  private reader: StreamReader | undefined;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    if (options.redis?.options.keyPrefix) {
      throw new Error("RedisStore: pass keyPrefix to the store, not to the ioredis connection");
    }
    this.historyLimit = checkHistoryLimit(options.historyLimit ?? defaultHistoryLimit);
    this.keyPrefix = options.keyPrefix;
    this.keys = new RedisKeys(options.keyPrefix);
    this.ownsConnection = !options.redis;
    const redis =
      options.redis ??
      // RESP2: the replies parsed here have the same shape either way, and it saves the HELLO.
      new Redis(options.url ?? "redis://127.0.0.1:6379", {
        protocol: 2,
        connectionName: clientName("ironcore-store", options.keyPrefix),
      });
    this.redis = defineStoreScripts(redis);
  }

  async get(collection: string, name: string): Promise<StoreRecord | undefined> {
    this.checkOpen();
    const stored = await this.redis.hget(this.keys.objects(collection), name);
    return stored === null ? undefined : parseStored(name, stored);
  }

  async list(collection: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const reply = asArray(
      await this.redis.ironcoreStoreList(
        this.keys.counter,
        this.keys.objects(collection),
        options.prefix ?? "",
      ),
      "list",
    );
    const resourceVersion = asVersion(reply[0], "list version");
    const flat = asArray(reply[1], "list items");
    const items: StoreRecord[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      items.push(parseStored(asString(flat[i], "list name"), asString(flat[i + 1], "list value")));
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { items, resourceVersion };
  }

  async create(collection: string, name: string, value: string): Promise<StoreRecord> {
    this.checkOpen();
    const k = this.keys;
    const reply = await this.redis.ironcoreStoreCreate(
      k.counter,
      k.objects(collection),
      k.events(collection),
      k.trimmed,
      collection,
      this.historyLimit,
      name,
      value,
    );
    const resourceVersion = asVersion(reply, "create");
    if (resourceVersion === 0) throw storeErrors.alreadyExists(collection, name);
    return { name, value, resourceVersion };
  }

  async update(
    collection: string,
    name: string,
    value: string,
    expectedResourceVersion?: number,
  ): Promise<StoreRecord> {
    this.checkOpen();
    const k = this.keys;
    const reply = await this.redis.ironcoreStoreUpdate(
      k.counter,
      k.objects(collection),
      k.events(collection),
      k.trimmed,
      collection,
      this.historyLimit,
      name,
      value,
      expectedResourceVersion === undefined ? "" : String(expectedResourceVersion),
    );
    const resourceVersion = this.writeOutcome(reply, collection, name, expectedResourceVersion);
    return { name, value, resourceVersion };
  }

  async delete(collection: string, name: string, expectedResourceVersion?: number): Promise<StoreRecord> {
    this.checkOpen();
    const k = this.keys;
    const reply = await this.redis.ironcoreStoreDelete(
      k.counter,
      k.objects(collection),
      k.events(collection),
      k.trimmed,
      collection,
      this.historyLimit,
      name,
      expectedResourceVersion === undefined ? "" : String(expectedResourceVersion),
    );
    const resourceVersion = this.writeOutcome(reply, collection, name, expectedResourceVersion);
    return { name, value: asString(asArray(reply, "delete")[2], "deleted value"), resourceVersion };
  }

  /**
   * Starts at call time: "from now" is the counter as read by a GET sent before this returns, so it
   * is ordered before any write the caller sends afterwards on this store.
   */
  watch(collection: string, options: WatchOptions): AsyncIterableIterator<StoreEvent> {
    const key = this.keys.events(collection);
    const watcher = new Watcher(options.prefix ?? "", options.signal, (w) => this.reader?.detach(key, w));
    if (watcher.done) return watcher;
    if (this.closed) {
      watcher.fail(storeErrors.closed());
      return watcher;
    }
    if (!Number.isSafeInteger(options.fromResourceVersion) || options.fromResourceVersion < 0) {
      watcher.fail(storeErrors.invalidVersion(options.fromResourceVersion));
      return watcher;
    }
    const current = this.redis.get(this.keys.counter);
    this.startWatch(collection, key, options.fromResourceVersion, current, watcher).catch((err: unknown) =>
      watcher.fail(err),
    );
    return watcher;
  }

  async currentResourceVersion(): Promise<number> {
    this.checkOpen();
    return asVersion((await this.redis.get(this.keys.counter)) ?? "0", "resource version");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader?.close();
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private checkOpen(): void {
    if (this.closed) throw storeErrors.closed();
  }

  /** The version of a successful update or delete; throws the script's NotFound / Conflict. */
  private writeOutcome(
    reply: unknown,
    collection: string,
    name: string,
    expected: number | undefined,
  ): number {
    const [status, version] = asArray(reply, "write");
    switch (status) {
      case "OK":
        return asVersion(version, "write version");
      case "NotFound":
        throw storeErrors.notFound(collection, name);
      case "Conflict":
        throw storeErrors.conflict(collection, name, expected ?? 0, asVersion(version, "current version"));
      default:
        throw unexpectedReply("write", reply);
    }
  }

  /**
   * Subscribes first, then reads history: whatever is written in between arrives both ways and the
   * watcher drops the second copy, so there is neither a gap nor a duplicate.
   */
  private async startWatch(
    collection: string,
    key: string,
    fromResourceVersion: number,
    currentReply: Promise<string | null>,
    watcher: Watcher,
  ): Promise<void> {
    const current = asVersion((await currentReply) ?? "0", "resource version");
    if (this.closed) watcher.finish();
    if (watcher.done) return;
    const start = fromResourceVersion === 0 ? current : fromResourceVersion;
    watcher.startAfter(start);
    this.streamReader().attach(collection, key, current, watcher);
    watcher.replayed(await this.history(collection, key, start));
  }

  /** All kept events after `start`; Expired if any of them was trimmed. */
  private async history(collection: string, key: string, start: number): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    let after = start;
    for (;;) {
      const reply = asArray(
        await this.redis.ironcoreStoreReplay(
          key,
          this.keys.trimmed,
          collection,
          `${after + 1}-0`,
          replayPageSize,
        ),
        "replay",
      );
      if (asVersion(reply[0], "trimmed version") > after) {
        throw storeErrors.expired(start, await this.oldestKept(key));
      }
      const entries = asArray(reply[1], "replay entries");
      for (const entry of entries) {
        const { event } = parseStreamEntry(entry);
        events.push(event);
        after = event.resourceVersion;
      }
      if (entries.length < replayPageSize) return events;
    }
  }

  private async oldestKept(key: string): Promise<number | undefined> {
    const [first] = await this.redis.xrange(key, "-", "+", "COUNT", 1);
    return first && Number.parseInt(first[0], 10);
  }

  private streamReader(): StreamReader {
    this.reader ??= new StreamReader(
      this.redis.duplicate({
        // The reader parses XREAD replies in their RESP2 shape, whatever the given connection speaks.
        protocol: 2,
        replyMapping: "legacy",
        enableAutoPipelining: false,
        // Keep the read pending across reconnects instead of failing it after a few attempts.
        maxRetriesPerRequest: null,
        connectionName: clientName("ironcore-store-watch", this.keyPrefix),
      }),
      this.redis,
    );
    return this.reader;
  }
}

/** CLIENT SETNAME accepts printable ASCII without spaces. */
function clientName(role: string, keyPrefix: string): string {
  return `${role}:${keyPrefix.replace(/[^!-~]/g, "_")}`;
}
