// Watches survive ironcore-api restarts when objects live in Redis: a client that remembers the
// last resourceVersion it saw resumes on a new server (new ports, same keyspace) and gets exactly
// the changes it missed. A version older than the kept history is refused with OUT_OF_RANGE.
import { create } from "@bufbuild/protobuf";
import { type ApiObject, isApiError } from "@ironcore-ts/apimachinery";
import { type KindRef, ResourceClient } from "@ironcore-ts/client";
import { WatchRequestSchema } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import {
  NetworkEventSchema,
  NetworkService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { startIronCoreApi } from "@ironcore-ts/ironcore-api";
import { createLogger, grpcServiceDefinition } from "@ironcore-ts/runtime";
import { RedisStore } from "@ironcore-ts/store";
import { redisService, uniquePrefix } from "@ironcore-ts/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, grpcServerStream } from "./support/grpcCalls.js";

const UNAVAILABLE = 14;
const OUT_OF_RANGE = 11;

const Network: KindRef = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "Network" };

const redis = await redisService();
const skipNote = redis ? "" : " (skipped: no Redis; set REDIS_URL or run one on 127.0.0.1:6379)";

/** What a watcher can compare: which change, to which object, at which version. */
interface Change {
  type: string;
  name: string | undefined;
  resourceVersion: string | undefined;
}

function changeOf(type: string, obj: ApiObject): Change {
  return { type, name: obj.metadata.name, resourceVersion: obj.metadata.resourceVersion };
}

/** "name@resourceVersion" of every Network, in name order. */
async function namesAndVersions(client: ResourceClient): Promise<string[]> {
  const list = await client.list(Network);
  return list.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`);
}

/** `before` with `changes` applied. */
function namesAndVersionsAfter(changes: Change[], before: string[]): string[] {
  const objects = new Map(before.map((s) => [s.slice(0, s.indexOf("@")), s]));
  for (const c of changes) {
    if (c.type === "DELETED") objects.delete(c.name ?? "");
    else objects.set(c.name ?? "", `${c.name}@${c.resourceVersion}`);
  }
  return [...objects.keys()].sort().map((k) => objects.get(k)!);
}

function network(name: string): ApiObject {
  return { ...Network, metadata: { name }, spec: {} };
}

function labelled(obj: ApiObject, labels: Record<string, string>): ApiObject {
  return { ...obj, metadata: { ...obj.metadata, labels } };
}

/** The next `n` items of a stream, failing if it ends first. */
async function take<T>(stream: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const next = await stream.next();
    if (next.done) throw new Error(`the stream ended after ${out.length} of ${n} items`);
    out.push(next.value);
  }
  return out;
}

async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

describe.skipIf(!redis)(`ironcore-api watch across restarts, on Redis (e2e)${skipNote}`, () => {
  const url = redis?.url ?? "";
  let admin: Redis;
  const prefixes: string[] = [];
  const running = new Set<{ stop(): Promise<void> }>();

  /** ironcore-api on its own ports over the Redis keyspace `keyPrefix`. */
  async function startServer(keyPrefix: string, historyLimit?: number) {
    const store = new RedisStore({ url, keyPrefix, historyLimit });
    const api = await startIronCoreApi({
      store,
      grpcPort: 0,
      httpPort: 0,
      logger: createLogger("ironcore-api", { level: "silent" }),
      // Only the test writes: the expected event sequence is exactly what it wrote.
      controllers: false,
    });
    const server = {
      api,
      client: new ResourceClient(api.grpcAddress),
      async stop() {
        running.delete(server);
        await api.stop();
        await store.close();
      },
    };
    running.add(server);
    // Whatever the server does on its own at start-up (garbage collection of dependents whose
    // owners went while it was down) is done before the test looks.
    await api.apiServer.garbageCollector.idle();
    return server;
  }

  function keyspace(label: string): string {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  }

  beforeAll(() => {
    admin = new Redis(url);
  });

  afterAll(async () => {
    // Servers a failed test left running; then the keys, whatever happened.
    await Promise.allSettled([...running].map((s) => s.stop()));
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
    await redis?.stop();
  });

  it("keeps every object across a restart, with and without owners", async () => {
    const keyPrefix = keyspace("e2e-restart-keeps");
    const first = await startServer(keyPrefix);
    const owner = await first.client.create(network("net-owner"));
    await first.client.create(network("net-plain"));
    await first.client.create({
      ...network("net-owned"),
      metadata: {
        name: "net-owned",
        ownerReferences: [
          { apiVersion: Network.apiVersion, kind: "Network", name: "net-owner", uid: owner.metadata.uid! },
        ],
      },
    });
    const before = await namesAndVersions(first.client);
    expect(before).toHaveLength(3);
    await first.stop();

    const second = await startServer(keyPrefix);
    expect(await namesAndVersions(second.client)).toEqual(before);
    await second.stop();
  });

  it("collects at start-up a dependent whose owner went while no server ran", async () => {
    const keyPrefix = keyspace("e2e-restart-collects");
    const first = await startServer(keyPrefix);
    const owner = await first.client.create(network("net-owner"));
    await first.client.create(network("net-plain"));
    await first.client.create({
      ...network("net-owned"),
      metadata: {
        name: "net-owned",
        ownerReferences: [
          { apiVersion: Network.apiVersion, kind: "Network", name: "net-owner", uid: owner.metadata.uid! },
        ],
      },
    });
    const collection = first.api.apiServer.api("Network").collection;
    await first.stop();

    // No server runs: the owner is removed from the keyspace directly.
    const offline = new RedisStore({ url, keyPrefix });
    await offline.delete(collection, "default/net-owner");
    await offline.close();

    const second = await startServer(keyPrefix);
    expect((await second.client.list(Network)).items.map((o) => o.metadata.name)).toEqual(["net-plain"]);
    await second.stop();
  });

  it("resumes on a new server from the last version seen: exactly the missed changes, in order", async () => {
    const keyPrefix = keyspace("e2e-watch-restart");

    // Server 1: some Networks, and a watch from the list's version that sees a few changes.
    const first = await startServer(keyPrefix);
    for (const name of ["net-a", "net-b", "net-c"]) await first.client.create(network(name));
    const listed = await first.client.list(Network);
    expect(listed.items.map((o) => o.metadata.name)).toEqual(["net-a", "net-b", "net-c"]);

    const watch = first.client.watch(Network, { resourceVersion: listed.resourceVersion });
    const written: Change[] = [
      changeOf("ADDED", await first.client.create(network("net-d"))),
      changeOf(
        "MODIFIED",
        await first.client.update(
          labelled(await first.client.get(Network, "default", "net-a"), { step: "1" }),
        ),
      ),
      changeOf("DELETED", await first.client.delete(Network, "default", "net-b")),
    ];
    const seen = (await take(watch, 3)).map((ev) => changeOf(ev.type, ev.object));
    expect(seen).toEqual(written);
    const lastSeen = seen[seen.length - 1]!.resourceVersion!;
    const beforeStop = await namesAndVersions(first.client);

    // Server 1 stops for real; the open watch is told the server went away.
    const ended = watch.next().then(
      () => undefined,
      (err: unknown) => err,
    );
    await first.stop();
    const endError = await ended;
    expect(isApiError(endError) && endError.code, String(endError)).toBe(UNAVAILABLE);

    // While nobody watches, another server on the same keyspace changes things.
    const writer = await startServer(keyPrefix);
    const c = writer.client;
    expect(await namesAndVersions(c)).toEqual(beforeStop);
    const missed: Change[] = [
      changeOf("ADDED", await c.create(network("net-e"))),
      changeOf("MODIFIED", await c.update(labelled(await c.get(Network, "default", "net-c"), { step: "2" }))),
      changeOf("DELETED", await c.delete(Network, "default", "net-d")),
      changeOf("MODIFIED", await c.update(labelled(await c.get(Network, "default", "net-e"), { step: "3" }))),
      changeOf("DELETED", await c.delete(Network, "default", "net-a")),
    ];
    await writer.stop();

    // Server 3 (new ports, same keyspace): the typed NetworkService.Watch from the last version seen.
    const third = await startServer(keyPrefix);
    expect(await namesAndVersions(third.client)).toEqual(namesAndVersionsAfter(missed, beforeStop));
    const grpc = grpcClient(third.api.grpcAddress);
    const abort = new AbortController();
    try {
      const resumed = grpcServerStream(
        grpc,
        grpcServiceDefinition(NetworkService),
        "watch",
        NetworkEventSchema,
        create(WatchRequestSchema, { resourceVersion: lastSeen }),
        abort.signal,
      );
      const toChange = (ev: {
        type: string;
        object?: { metadata?: { name: string; resourceVersion: string } };
      }) => ({
        type: ev.type,
        name: ev.object?.metadata?.name,
        resourceVersion: ev.object?.metadata?.resourceVersion,
      });
      expect((await take(resumed, missed.length)).map(toChange)).toEqual(missed);

      // Nothing else was queued before the next write: the next event is that write.
      const sentinel = changeOf("ADDED", await third.client.create(network("net-sentinel")));
      expect((await take(resumed, 1)).map(toChange)).toEqual([sentinel]);
    } finally {
      abort.abort();
      grpc.close();
    }

    const survivors = await third.client.list(Network);
    expect(survivors.items.map((o) => [o.metadata.name, o.metadata.labels ?? {}])).toEqual([
      ["net-c", { step: "2" }],
      ["net-e", { step: "3" }],
      ["net-sentinel", {}],
    ]);
    await third.stop();
  });

  it("refuses a watch from a version older than the kept history with OUT_OF_RANGE, telling the client to list again", async () => {
    const server = await startServer(keyspace("e2e-watch-expired"), 5);
    const c = server.client;
    await c.create(network("net-first"));
    // Not "0": that would mean "the current objects, then changes", not a version to resume from.
    const before = await c.list(Network);
    expect(before.resourceVersion).not.toBe("0");
    for (let i = 0; i < 20; i++) await c.create(network(`net-${String(i).padStart(2, "0")}`));

    const err = await take(c.watch(Network, { resourceVersion: before.resourceVersion }), 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isApiError(err)) throw new Error(`expected an ApiError, got ${String(err)}`);
    expect(err.code, err.message).toBe(OUT_OF_RANGE);
    expect(err.message).toMatch(/too old/);
    expect(err.message).toMatch(/list again/);

    // Doing what the message says works: list, then watch from the list's version.
    const relisted = await c.list(Network);
    expect(relisted.items).toHaveLength(21);
    const abort = new AbortController();
    const watch = c.watch(Network, { resourceVersion: relisted.resourceVersion, signal: abort.signal });
    const next = take(watch, 1);
    const added = changeOf("ADDED", await c.create(network("net-after")));
    expect((await next).map((ev) => changeOf(ev.type, ev.object))).toEqual([added]);
    abort.abort();
    await server.stop();
  });
});
