import { Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExponentialBackoff } from "./backoff.js";
import { WorkQueue } from "./workQueue.js";

function newQueue(options: { backoff?: { baseMs?: number; maxMs?: number } } = {}) {
  const registry = new Registry();
  return { queue: new WorkQueue({ name: "test", registry, ...options }), registry };
}

/** Resolves with the key if `get()` hands one out without waiting, else "waiting". */
async function poll(queue: WorkQueue): Promise<string | undefined | "waiting"> {
  return Promise.race([queue.get(), new Promise<"waiting">((r) => setImmediate(() => r("waiting")))]);
}

describe("WorkQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("queues a key once however often it is added, in first-added order", async () => {
    const { queue } = newQueue();
    queue.add("a");
    queue.add("b");
    queue.add("a");
    queue.add("a");
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe("a");
    expect(await queue.get()).toBe("b");
    expect(queue.length).toBe(0);
  });

  it("hands a key out once while it is processed, and again after done if it was re-added", async () => {
    const { queue } = newQueue();
    queue.add("a");
    expect(await queue.get()).toBe("a");
    queue.add("a");
    queue.add("a");
    // Not queued a second time while a worker holds it: no two workers may process one key.
    expect(queue.length).toBe(0);
    expect(await poll(queue)).toBe("waiting");
    queue.done("a");
    expect(await queue.get()).toBe("a");
    queue.done("a");
    expect(queue.length).toBe(0);
  });

  it("does not requeue a key on done if nobody re-added it", async () => {
    const { queue } = newQueue();
    queue.add("a");
    await queue.get();
    queue.done("a");
    expect(queue.length).toBe(0);
  });

  it("wakes a waiting get when a key arrives", async () => {
    const { queue } = newQueue();
    const pending = queue.get();
    queue.add("late");
    expect(await pending).toBe("late");
  });

  it("delays addAfter keys, keeping the earliest of several delays", async () => {
    vi.useFakeTimers();
    const { queue } = newQueue();
    queue.addAfter("a", 1000);
    queue.addAfter("a", 300);
    queue.addAfter("a", 5000);
    await vi.advanceTimersByTimeAsync(299);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe("a");
    queue.done("a");
    // The 1000 ms request was superseded, not kept as a second delivery.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(queue.length).toBe(0);
  });

  it("backs a failing key off exponentially and starts over after forget", async () => {
    vi.useFakeTimers();
    const { queue } = newQueue();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      queue.addRateLimited("a");
      let waited = 0;
      while (queue.length === 0) {
        await vi.advanceTimersByTimeAsync(1);
        waited++;
      }
      delays.push(waited);
      await queue.get();
      queue.done("a");
    }
    expect(delays).toEqual([5, 10, 20, 40, 80]);
    expect(queue.numRequeues("a")).toBe(5);

    queue.forget("a");
    expect(queue.numRequeues("a")).toBe(0);
    queue.addRateLimited("a");
    await vi.advanceTimersByTimeAsync(4);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.length).toBe(1);
  });

  it("backs keys off independently of each other", async () => {
    vi.useFakeTimers();
    const { queue } = newQueue();
    queue.addRateLimited("slow");
    await vi.advanceTimersByTimeAsync(5);
    queue.done((await queue.get())!);
    queue.addRateLimited("slow"); // second failure: 10 ms
    queue.addRateLimited("fresh"); // first failure: 5 ms
    await vi.advanceTimersByTimeAsync(5);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe("fresh");
    await vi.advanceTimersByTimeAsync(5);
    expect(await queue.get()).toBe("slow");
    expect(queue.numRequeues("slow")).toBe(2);
  });

  it("returns undefined from get after shutDown, also to waiting callers, and ignores adds", async () => {
    vi.useFakeTimers();
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.addAfter("later", 100);
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add("a");
    expect(await queue.get()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.length).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reports depth, adds, retries and work duration labelled with the queue name", async () => {
    const { queue, registry } = newQueue();
    queue.add("a");
    queue.add("b");
    queue.add("a");
    queue.addRateLimited("c");
    const text = await registry.metrics();
    expect(text).toContain('workqueue_depth{name="test"} 2');
    expect(text).toContain('workqueue_adds_total{name="test"} 2');
    expect(text).toContain('workqueue_retries_total{name="test"} 1');
    const key = await queue.get();
    queue.done(key!);
    expect(await registry.metrics()).toContain('workqueue_work_duration_seconds_count{name="test"} 1');
    queue.shutDown();
  });
});

describe("ExponentialBackoff", () => {
  it("doubles from the base up to the cap", () => {
    const b = new ExponentialBackoff({ baseMs: 5, maxMs: 60_000 });
    const delays = Array.from({ length: 20 }, () => b.next("k"));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays.at(-1)).toBe(60_000);
    expect(Math.max(...delays)).toBe(60_000);
    // Monotonic: a failing key never gets retried sooner than the time before.
    expect(delays).toEqual([...delays].sort((x, y) => x - y));
  });

  it("stays at the cap for very many failures", () => {
    const b = new ExponentialBackoff({ baseMs: 1, maxMs: 1000 });
    for (let i = 0; i < 5000; i++) b.next("k");
    expect(b.next("k")).toBe(1000);
  });

  it("rejects nonsensical settings", () => {
    expect(() => new ExponentialBackoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => new ExponentialBackoff({ baseMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});
