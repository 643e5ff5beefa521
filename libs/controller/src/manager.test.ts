import type { ApiObject } from "@ironcore-ts/apimachinery";
import { eventually, redisService, uniquePrefix } from "@ironcore-ts/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "./controller.js";
import { Manager } from "./manager.js";
import { RedisLease } from "./redisLease.js";
import { FakeListWatcher } from "./testing.js";

const logger = pino({ level: "silent" });
const registry = new Registry();
const informerBackoff = { baseMs: 5, maxMs: 50 };

function recordingController(name: string, seen: string[]) {
  return new Controller({
    name,
    logger,
    registry,
    reconcile: async (key) => {
      seen.push(key);
    },
  });
}

const managers: Manager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

describe("Manager", () => {
  it("hands out one informer per ListWatcher or key", () => {
    const m = new Manager();
    const lw = new FakeListWatcher<ApiObject>();
    expect(m.informer(lw)).toBe(m.informer(lw));
    expect(m.informer(new FakeListWatcher(), { key: "pods" })).toBe(
      m.informer(new FakeListWatcher(), { key: "pods" }),
    );
    expect(m.informer(new FakeListWatcher())).not.toBe(m.informer(lw));
  });

  it("runs controllers over shared caches: one list and one watch per kind", async () => {
    const networks = new FakeListWatcher<ApiObject>([{ metadata: { name: "n1", namespace: "ns" } }]);
    const m = new Manager({ logger, informerBackoff });
    managers.push(m);
    const seenA: string[] = [];
    const seenB: string[] = [];
    m.add(recordingController("a", seenA).watch(m.informer(networks)));
    m.add(recordingController("b", seenB).watch(m.informer(networks)));
    const done = m.start();
    expect(m.isLeader()).toBe(true);
    await eventually(() => expect([seenA, seenB]).toEqual([["ns/n1"], ["ns/n1"]]));
    expect(await m.waitForCacheSync()).toBe(true);
    await eventually(() => expect(networks.openWatches).toBe(1));
    networks.create({ metadata: { name: "n2", namespace: "ns" } });
    await eventually(() =>
      expect([seenA, seenB]).toEqual([
        ["ns/n1", "ns/n2"],
        ["ns/n1", "ns/n2"],
      ]),
    );
    expect(networks.listCalls).toBe(1);
    expect(networks.watchCalls).toBe(1);

    // Informers and controllers added to a running manager start right away.
    const late: string[] = [];
    const machines = new FakeListWatcher<ApiObject>([{ metadata: { name: "m1" } }]);
    m.add(recordingController("late", late).watch(m.informer(machines)));
    await eventually(() => expect(late).toEqual(["m1"]));

    await m.stop();
    await done;
    expect(networks.openWatches).toBe(0);
    expect(machines.openWatches).toBe(0);
  });

  it("stops when the start signal aborts", async () => {
    const lw = new FakeListWatcher<ApiObject>();
    const m = new Manager({ logger, informerBackoff });
    m.informer(lw);
    const stop = new AbortController();
    const done = m.start(stop.signal);
    await eventually(() => expect(lw.openWatches).toBe(1));
    stop.abort();
    await done;
    expect(lw.openWatches).toBe(0);
    expect(m.isLeader()).toBe(false);
  });
});

const redisSvc = await redisService();

describe.skipIf(!redisSvc)("Manager with leader election", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisSvc!.url);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it("runs controllers only on the leader and moves them when the leader stops", async () => {
    const key = `${uniquePrefix("manager")}leader`;
    // One API server, two replicas of the same controller process.
    const api = new FakeListWatcher<ApiObject>([{ metadata: { name: "a" } }, { metadata: { name: "b" } }]);
    const replica = (identity: string) => {
      const seen: string[] = [];
      const m = new Manager({
        logger,
        informerBackoff,
        leaderElection: {
          lease: new RedisLease({ redis, key, identity, ttlMs: 30_000 }),
          renewEvery: 100,
          retryEvery: 50,
        },
      });
      m.add(recordingController(`ctl-${identity}`, seen).watch(m.informer(api)));
      managers.push(m);
      return { m, seen, done: m.start() };
    };
    const r1 = replica("r1");
    const r2 = replica("r2");

    await eventually(() => expect([r1, r2].filter((r) => r.m.isLeader())).toHaveLength(1));
    const [leader, follower] = r1.m.isLeader() ? [r1, r2] : [r2, r1];
    await eventually(() => expect([...leader.seen].sort()).toEqual(["a", "b"]));
    // The follower keeps a warm cache but reconciles nothing.
    expect(await follower.m.waitForCacheSync()).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(follower.seen).toEqual([]);
    expect(await redis.get(key)).toBe(leader.m.lease?.holder);

    await leader.m.stop();
    await leader.done;
    await eventually(() => expect(follower.m.isLeader()).toBe(true), { timeoutMs: 5000 });
    await eventually(() => expect([...follower.seen].sort()).toEqual(["a", "b"]));
    expect(await redis.get(key)).toBe(follower.m.lease?.holder);
    await redis.del(key);
  });
});
