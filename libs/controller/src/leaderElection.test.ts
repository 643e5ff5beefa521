import { eventually, redisService, uniquePrefix } from "@ironcore-ts/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LeaderElector } from "./leaderElection.js";
import type { Lease } from "./lease.js";
import { RedisLease } from "./redisLease.js";

const redisSvc = await redisService();

/** An elector plus what its callbacks saw, for assertions. */
function candidate(lease: Lease, renewEvery = 100) {
  const seen = { started: 0, stopped: 0, term: undefined as AbortSignal | undefined };
  const elector = new LeaderElector({
    lease,
    renewEvery,
    retryEvery: 50,
    onStartedLeading: (signal) => {
      seen.started++;
      seen.term = signal;
    },
    onStoppedLeading: () => {
      seen.stopped++;
    },
  });
  const stop = new AbortController();
  const done = elector.run(stop.signal);
  return { elector, lease, seen, stop, done };
}

describe.skipIf(!redisSvc)("leader election with a Redis lease", () => {
  let redis: Redis;
  let key: string;
  const running: Array<{ stop: AbortController; done: Promise<void> }> = [];

  beforeAll(() => {
    redis = new Redis(redisSvc!.url);
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    key = `${uniquePrefix("lease")}leader`;
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.stop.abort();
      await r.done;
    }
    await redis.del(key);
  });

  function start(identity: string, ttlMs: number) {
    const c = candidate(new RedisLease({ redis, key, identity, ttlMs }));
    running.push(c);
    return c;
  }

  it("gives the lease to one holder at a time and shows who holds it", async () => {
    const a = new RedisLease({ redis, key, identity: "replica-a", ttlMs: 5000 });
    const b = new RedisLease({ redis, key, identity: "replica-b", ttlMs: 5000 });
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.currentHolder()).toBe("replica-a");
    expect(await redis.get(key)).toBe("replica-a");
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);

    // Only the holder can renew or release.
    expect(await b.renew()).toBe(false);
    expect(await b.release()).toBe(false);
    expect(await redis.get(key)).toBe("replica-a");
    expect(await a.renew()).toBe(true);
    expect(await a.tryAcquire()).toBe(true); // acquiring what we hold just extends it

    expect(await a.release()).toBe(true);
    expect(await a.currentHolder()).toBeNull();
    expect(await b.tryAcquire()).toBe(true);
  });

  it("lets exactly one of two electors lead", async () => {
    const a = start("replica-a", 2000);
    const b = start("replica-b", 2000);
    await eventually(() => expect([a, b].filter((c) => c.elector.isLeader())).toHaveLength(1));
    const leader = a.elector.isLeader() ? a : b;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      expect(leader.elector.isLeader()).toBe(true);
      expect([a, b].filter((c) => c.elector.isLeader())).toHaveLength(1);
    }
    expect(await redis.get(key)).toBe(leader.lease.holder);
    expect(leader.seen.started).toBe(1);
    expect((leader === a ? b : a).seen.started).toBe(0);
  });

  it("hands over at once when the leader stops, without waiting for the lease to expire", async () => {
    // A TTL far longer than the wait below: only the release can explain a quick takeover.
    const a = start("replica-a", 30_000);
    await eventually(() => expect(a.elector.isLeader()).toBe(true));
    const b = start("replica-b", 30_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.elector.isLeader()).toBe(false);

    a.stop.abort();
    await a.done;
    expect(a.seen.stopped).toBe(1);
    expect(a.seen.term?.aborted).toBe(true);
    await eventually(() => expect(b.elector.isLeader()).toBe(true), { timeoutMs: 3000 });
    expect(await redis.get(key)).toBe("replica-b");
  });

  it("stops leading when its lease is taken over, and campaigns again once it is free", async () => {
    const a = start("replica-a", 2000);
    await eventually(() => expect(a.elector.isLeader()).toBe(true));
    await redis.set(key, "intruder");
    await eventually(() => expect(a.elector.isLeader()).toBe(false));
    expect(a.seen.term?.aborted).toBe(true);
    expect(a.seen.stopped).toBe(1);
    expect(await redis.get(key)).toBe("intruder");

    await redis.del(key);
    await eventually(() => expect(a.elector.isLeader()).toBe(true));
    expect(a.seen.started).toBe(2);
  });

  it("stops leading when its lease expired and another holder took it", async () => {
    const a = start("replica-a", 2000);
    await eventually(() => expect(a.elector.isLeader()).toBe(true));
    // Expiry and takeover in one step, so the elector cannot win the race back.
    await redis.multi().del(key).set(key, "replica-b", "PX", 60_000).exec();
    await eventually(() => expect(a.elector.isLeader()).toBe(false));
    expect(a.seen.stopped).toBe(1);
    expect(await redis.get(key)).toBe("replica-b");
  });
});

describe("LeaderElector without Redis", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops leading before the lease could expire when a renewal hangs", async () => {
    vi.useFakeTimers();
    let renewals = 0;
    let acquired = false;
    const lease: Lease = {
      key: "k",
      holder: "me",
      ttlMs: 1000,
      // Once lost, someone else holds the lease.
      tryAcquire: async () => {
        if (acquired) return false;
        acquired = true;
        return true;
      },
      renew: () => (++renewals === 1 ? Promise.resolve(true) : new Promise<boolean>(() => {})),
      release: async () => true,
      currentHolder: async () => "me",
    };
    const c = candidate(lease, 300);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.elector.isLeader()).toBe(true);
    // Renewed at 300 ms (lease good until 1300 ms); the renewal at 600 ms never answers.
    await vi.advanceTimersByTimeAsync(1299);
    expect(c.elector.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.elector.isLeader()).toBe(false);
    expect(c.seen.stopped).toBe(1);
    expect(c.seen.term?.aborted).toBe(true);
    c.stop.abort();
    await vi.advanceTimersByTimeAsync(2000);
    await c.done;
  });

  it("rejects a renewal interval that is not below the lease TTL", () => {
    const lease = { key: "k", holder: "h", ttlMs: 100 } as Lease;
    expect(
      () =>
        new LeaderElector({ lease, renewEvery: 100, onStartedLeading: () => {}, onStoppedLeading: () => {} }),
    ).toThrow(RangeError);
  });
});
