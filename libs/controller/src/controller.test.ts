import type { ApiObject } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Controller, type Reconciler } from "./controller.js";
import { enqueueMapped, enqueueOwner } from "./enqueue.js";
import { Informer } from "./informer.js";
import { FakeListWatcher } from "./testing.js";

interface LogLine {
  level: number;
  msg: string;
  controller?: string;
  key?: string;
  err?: { message: string };
  [field: string]: unknown;
}

function captureLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

function newController(reconcile: Reconciler, options: { concurrency?: number; name?: string } = {}) {
  const { logger, lines } = captureLogger();
  const controller = new Controller({
    name: options.name ?? "test",
    reconcile,
    concurrency: options.concurrency,
    logger,
    registry: new Registry(),
  });
  return { controller, lines };
}

const stops: AbortController[] = [];
function run(target: { start(signal: AbortSignal): Promise<void> }) {
  const stop = new AbortController();
  stops.push(stop);
  const done = target.start(stop.signal);
  return { stop, done };
}

afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
  vi.useRealTimers();
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("Controller", () => {
  it("retries a failing key with growing back-off until it succeeds, logging each failure", async () => {
    vi.useFakeTimers();
    const attemptsAt: number[] = [];
    let failures = 3;
    const { controller, lines } = newController(async () => {
      attemptsAt.push(Date.now());
      if (failures-- > 0) throw new Error("dependency not ready");
    });
    run(controller);
    controller.enqueue("default/a");
    await vi.advanceTimersByTimeAsync(0);
    expect(attemptsAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(attemptsAt).toHaveLength(4);
    const gaps = attemptsAt.slice(1).map((t, i) => t - attemptsAt[i]!);
    expect(gaps).toEqual([5, 10, 20]);
    // Success resets the back-off, and nothing is retried after it.
    expect(controller.queue?.numRequeues("default/a")).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attemptsAt).toHaveLength(4);

    const errors = lines.filter((l) => l.msg.startsWith("reconcile failed"));
    expect(errors).toHaveLength(3);
    for (const l of errors) {
      expect(l).toMatchObject({
        controller: "test",
        key: "default/a",
        err: { message: "dependency not ready" },
      });
    }
  });

  it("looks at a key again after requeueAfter, and soon (with back-off) after requeue", async () => {
    vi.useFakeTimers();
    const calls: Array<{ key: string; at: number }> = [];
    const { controller, lines } = newController(async (key) => {
      calls.push({ key, at: Date.now() });
      const n = calls.filter((c) => c.key === key).length;
      if (key === "poll" && n < 3) return { requeueAfter: 1000 };
      if (key === "again" && n < 3) return { requeue: true };
      return undefined;
    });
    run(controller);
    const t0 = Date.now();
    controller.enqueue("poll");
    controller.enqueue("again");
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.filter((c) => c.key === "poll")).toHaveLength(1);
    expect(calls.filter((c) => c.key === "again").map((c) => c.at - t0)).toEqual([0, 5, 15]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.filter((c) => c.key === "poll")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.filter((c) => c.key === "poll").map((c) => c.at - t0)).toEqual([0, 1000, 2000]);
    // Asking for a requeue is not an error.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it("hands reconcile a logger that carries controller and key", async () => {
    const { controller, lines } = newController(async (_key, _signal, log) => {
      log.info({ step: "created child" }, "progress");
    });
    run(controller);
    controller.enqueue("ns/x");
    await eventually(() =>
      expect(lines.find((l) => l.msg === "progress")).toMatchObject({
        controller: "test",
        key: "ns/x",
        step: "created child",
      }),
    );
  });

  it("reconciles the controlling owner when owned objects change", async () => {
    const children = new FakeListWatcher<ApiObject>();
    const informer = new Informer(children, { backoff: { baseMs: 5, maxMs: 50 } });
    run(informer);
    const seen: string[] = [];
    const { controller } = newController(async (key) => {
      seen.push(key);
    });
    controller.watch(informer, enqueueOwner("Network", "networking.ironcore.dev/v1alpha1"));
    run(controller);
    await informer.waitForSync();

    const owned = (
      name: string,
      owner: { kind: string; apiVersion: string; name: string; controller?: boolean },
    ) => ({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "NetworkInterface",
      metadata: { name, namespace: "ns", ownerReferences: [{ uid: `uid-${owner.name}`, ...owner }] },
    });
    const network = { kind: "Network", apiVersion: "networking.ironcore.dev/v1alpha1" };
    children.create(owned("nic-1", { ...network, name: "net-1", controller: true }));
    children.create(owned("nic-2", { ...network, name: "not-controller" }));
    children.create(
      owned("nic-3", { kind: "Machine", apiVersion: network.apiVersion, name: "m", controller: true }),
    );
    children.create(
      owned("nic-4", { kind: "Network", apiVersion: "other.dev/v1", name: "foreign", controller: true }),
    );
    children.create({ kind: "NetworkInterface", metadata: { name: "orphan", namespace: "ns" } });
    children.create(owned("nic-5", { ...network, name: "net-2", controller: true }));
    // Keys are handed out first come, first served by one worker: net-2 last means nothing else is pending.
    await eventually(() => expect(seen).toContain("ns/net-2"));
    expect(seen).toEqual(["ns/net-1", "ns/net-2"]);

    children.delete("ns/nic-1");
    await eventually(() => expect(seen).toEqual(["ns/net-1", "ns/net-2", "ns/net-1"]));
  });

  it("on update, reconciles what the old and the new object map to", async () => {
    const pods = new FakeListWatcher<ApiObject>([{ metadata: { name: "p", labels: { app: "blue" } } }]);
    const informer = new Informer(pods, { backoff: { baseMs: 5, maxMs: 50 } });
    run(informer);
    const seen: string[] = [];
    const { controller } = newController(async (key) => {
      seen.push(key);
    });
    controller.watch(
      informer,
      enqueueMapped((o) => o.metadata.labels?.app),
    );
    run(controller);
    await eventually(() => expect(seen).toEqual(["blue"]));
    await eventually(() => expect(pods.openWatches).toBe(1));
    pods.update({ metadata: { name: "p", labels: { app: "green" } } });
    await eventually(() => expect([...seen].sort()).toEqual(["blue", "blue", "green"]));
  });

  it("starts reconciling only after every watched informer has synced", async () => {
    const gate = deferred();
    const fake = new FakeListWatcher<ApiObject>([{ metadata: { name: "a" } }]);
    const slow = {
      list: async () => {
        await gate.promise;
        return fake.list();
      },
      watch: (rv: string, signal: AbortSignal) => fake.watch(rv, signal),
    };
    const ready = new Informer(new FakeListWatcher<ApiObject>([{ metadata: { name: "b" } }]));
    const cold = new Informer(slow);
    run(ready);
    run(cold);
    const seen: string[] = [];
    const { controller } = newController(async (key) => {
      seen.push(key);
    });
    controller.watch(ready).watch(cold);
    run(controller);
    controller.enqueue("manual");
    await ready.waitForSync();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    gate.resolve();
    await eventually(() => expect([...seen].sort()).toEqual(["a", "b", "manual"]));
  });

  it("runs at most `concurrency` reconciles at once", async () => {
    const gate = deferred();
    let inFlight = 0;
    let maxInFlight = 0;
    let finished = 0;
    const { controller } = newController(
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await gate.promise;
        inFlight--;
        finished++;
      },
      { concurrency: 3 },
    );
    run(controller);
    for (let i = 0; i < 10; i++) controller.enqueue(`k${i}`);
    await eventually(() => expect(inFlight).toBe(3));
    await new Promise((r) => setTimeout(r, 50));
    expect(inFlight).toBe(3);
    expect(controller.queue?.length).toBe(7);
    gate.resolve();
    await eventually(() => expect(finished).toBe(10));
    expect(maxInFlight).toBe(3);
  });

  it("never reconciles one key twice at the same time, and does not lose changes made meanwhile", async () => {
    const gate = deferred();
    const active = new Set<string>();
    let overlaps = 0;
    const count = new Map<string, number>();
    const { controller } = newController(
      async (key) => {
        if (active.has(key)) overlaps++;
        active.add(key);
        count.set(key, (count.get(key) ?? 0) + 1);
        if (key === "hot" && count.get(key) === 1) await gate.promise;
        await new Promise((r) => setImmediate(r));
        active.delete(key);
      },
      { concurrency: 4 },
    );
    run(controller);
    controller.enqueue("hot");
    await eventually(() => expect(active.has("hot")).toBe(true));
    for (let i = 0; i < 5; i++) {
      controller.enqueue("hot");
      controller.enqueue(`cold-${i}`);
    }
    await eventually(() => expect(count.get("cold-4")).toBe(1));
    // Three workers were idle, yet the re-added key waited for the running reconcile.
    expect(count.get("hot")).toBe(1);
    gate.resolve();
    await eventually(() => expect(count.get("hot")).toBe(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(count.get("hot")).toBe(2);
    expect(overlaps).toBe(0);
  });

  it("stops: aborts running reconciles' signal, waits for them, and takes no more work", async () => {
    let sawAbort = false;
    const calls: string[] = [];
    const { controller, lines } = newController(async (key, signal) => {
      calls.push(key);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      sawAbort = true;
      throw new Error("aborted");
    });
    const { stop, done } = run(controller);
    controller.enqueue("a");
    await eventually(() => expect(calls).toEqual(["a"]));
    controller.enqueue("b");
    stop.abort();
    await done;
    expect(sawAbort).toBe(true);
    expect(calls).toEqual(["a"]);
    expect(controller.running).toBe(false);
    // A failure caused by the stop is not reported as an error.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);

    // And it can run again.
    const again = run(controller);
    controller.enqueue("c");
    await eventually(() => expect(calls).toEqual(["a", "c"]));
    again.stop.abort();
    await again.done;
  });

  it("rejects a concurrency below one", () => {
    expect(() => newController(async () => {}, { concurrency: 0 })).toThrow(RangeError);
  });
});
