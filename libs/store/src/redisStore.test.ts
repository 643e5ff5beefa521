import { isApiError } from "@ironcore-ts/apimachinery";
import { redisService, uniquePrefix } from "@ironcore-ts/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore, type RedisStoreOptions } from "./redisStore.js";
import { describeStoreConformance, take } from "./storeConformance.js";

const redis = await redisService();

describe.skipIf(!redis)("RedisStore", () => {
  const url = redis?.url ?? "";
  let admin: Redis;
  const prefixes: string[] = [];
  const stores: RedisStore[] = [];

  beforeAll(() => {
    admin = new Redis(url);
  });

  afterAll(async () => {
    // Keys are removed even if a test left a store that fails to close.
    await Promise.allSettled(stores.map((s) => s.close()));
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
    await redis?.stop();
  });

  /** A store on its own prefix, closed and cleaned up after the file. */
  function open(options: Partial<RedisStoreOptions> = {}): { store: RedisStore; keyPrefix: string } {
    const keyPrefix = options.keyPrefix ?? uniquePrefix("store");
    prefixes.push(keyPrefix);
    const store = new RedisStore({ url, ...options, keyPrefix });
    stores.push(store);
    return { store, keyPrefix };
  }

  describeStoreConformance("RedisStore", async (options) => {
    const keyPrefix = uniquePrefix("store-conformance");
    const make = async () => new RedisStore({ url, keyPrefix, ...options });
    return { store: await make(), reopen: make, cleanup: () => deleteKeys(admin, keyPrefix) };
  });

  it("keeps objects as '<version> <value>' hash fields and events as stream entries with ID '<version>-0'", async () => {
    const { store, keyPrefix } = open();
    const created = await store.create("widgets", "default/a", '{"a":[]}');
    const updated = await store.update("widgets", "default/a", '{"a":[1]}');

    expect(await admin.hgetall(`${keyPrefix}objects:widgets`)).toEqual({
      "default/a": `${updated.resourceVersion} {"a":[1]}`,
    });
    expect(await admin.get(`${keyPrefix}rv`)).toBe(String(updated.resourceVersion));
    expect(await admin.xrange(`${keyPrefix}events:widgets`, "-", "+")).toEqual([
      [
        `${created.resourceVersion}-0`,
        ["prev", "0", "type", "ADDED", "name", "default/a", "value", '{"a":[]}'],
      ],
      [
        `${updated.resourceVersion}-0`,
        [
          "prev",
          String(created.resourceVersion),
          "type",
          "MODIFIED",
          "name",
          "default/a",
          "value",
          '{"a":[1]}',
        ],
      ],
    ]);
  });

  it("bounds each event stream and records the newest trimmed version", async () => {
    const { store, keyPrefix } = open({ historyLimit: 10 });
    const versions: number[] = [];
    for (let i = 0; i < 50; i++) versions.push((await store.create("widgets", `w${i}`, "x")).resourceVersion);
    const stream = `${keyPrefix}events:widgets`;
    const length = await admin.xlen(stream);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThanOrEqual(11);
    const [first] = await admin.xrange(stream, "-", "+", "COUNT", 1);
    const firstKept = Number.parseInt(first![0], 10);
    const newestTrimmed = versions[versions.indexOf(firstKept) - 1];
    expect(await admin.hget(`${keyPrefix}trimmed`, "widgets")).toBe(String(newestTrimmed));
  });

  it("serves all watches of a store over one blocking connection", async () => {
    const { store, keyPrefix } = open();
    const controller = new AbortController();
    const watches = ["a", "b", "c", "a", "b", "c"].map((collection) => ({
      collection,
      events: store.watch(collection, { fromResourceVersion: 0, signal: controller.signal }),
    }));
    for (const collection of ["a", "b", "c"]) await store.create(collection, "x", collection);
    for (const { collection, events } of watches) {
      expect((await take(events, 1))[0]?.value).toBe(collection);
    }
    expect(await watchConnections(admin, keyPrefix)).toHaveLength(1);
    controller.abort();
  });

  it("keeps watching across a reconnect of the blocking connection", async () => {
    const { store, keyPrefix } = open();
    const controller = new AbortController();
    const events = store.watch("widgets", { fromResourceVersion: 0, signal: controller.signal });
    await store.create("widgets", "a", "1");
    await take(events, 1);
    // History is read by now, so this one comes over the blocking connection: it is connected.
    await store.create("widgets", "a0", "1");
    await take(events, 1);

    await killReader(admin, keyPrefix);
    const next = await store.create("widgets", "b", "1");
    expect((await take(events, 1))[0]?.resourceVersion).toBe(next.resourceVersion);
    // A collection first watched after the reconnect is served too.
    const later = store.watch("gadgets", { fromResourceVersion: 0, signal: controller.signal });
    const gadget = await store.create("gadgets", "g", "1");
    expect((await take(later, 1))[0]?.resourceVersion).toBe(gadget.resourceVersion);
    controller.abort();
  });

  it("fails a live watch with Expired when events it had not read yet were trimmed", async () => {
    const { store, keyPrefix } = open({ historyLimit: 2 });
    const writer = open({ keyPrefix, historyLimit: 2 }).store;
    const controller = new AbortController();
    const events = store.watch("widgets", { fromResourceVersion: 0, signal: controller.signal });
    await store.create("widgets", "a", "1");
    await take(events, 1);
    // History is read by now, so this one comes over the blocking connection: it is connected.
    await store.create("widgets", "a0", "1");
    await take(events, 1);

    // While the reader reconnects (ioredis waits ~50 ms), far more than the history is written.
    await killReader(admin, keyPrefix);
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.create("widgets", `w${i}`, "x")));
    const err = await events.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isApiError(err, "Expired")).toBe(true);
    expect(String(err)).toMatch(/fell behind/);
    controller.abort();
  });

  it("closes promptly while its blocking connection is reconnecting", async () => {
    const { store, keyPrefix } = open();
    const controller = new AbortController();
    const events = store.watch("widgets", { fromResourceVersion: 0, signal: controller.signal });
    await store.create("widgets", "a", "1");
    await take(events, 1);
    await store.create("widgets", "b", "1");
    await take(events, 1);

    await killReader(admin, keyPrefix);
    // ioredis waits ~50 ms before reconnecting; close in that window.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pending = events.next();
    const closed = await Promise.race([
      store.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(resolve, 2000, "still closing")),
    ]);
    expect(closed).toBe("closed");
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it("uses a given connection without closing it", async () => {
    const connection = new Redis(url);
    const { store } = open({ redis: connection });
    await store.create("widgets", "a", "1");
    expect((await store.get("widgets", "a"))?.value).toBe("1");
    await store.close();
    expect(await connection.ping()).toBe("PONG");
    await connection.quit();
  });

  it("refuses a connection that prefixes keys itself", () => {
    const connection = new Redis(url, { keyPrefix: "x:", lazyConnect: true });
    expect(() => new RedisStore({ redis: connection, keyPrefix: "y:" })).toThrow(/keyPrefix/);
    connection.disconnect();
  });
});

async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** The CLIENT LIST lines of a store's blocking connections. */
async function watchConnections(admin: Redis, keyPrefix: string): Promise<string[]> {
  return String(await admin.client("LIST"))
    .split("\n")
    .filter((line) => line.includes(` name=ironcore-store-watch:${keyPrefix} `));
}

/** Drops the store's blocking connection on the server side, as a network failure would. */
async function killReader(admin: Redis, keyPrefix: string): Promise<void> {
  const [line] = await watchConnections(admin, keyPrefix);
  const id = line?.match(/^id=(\d+)/)?.[1];
  if (!id) throw new Error("the store's watch connection is not connected");
  await admin.client("KILL", "ID", id);
}
