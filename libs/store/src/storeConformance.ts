import { type ApiErrorReason, isApiError } from "@ironcore-ts/apimachinery";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store, StoreEvent, WatchOptions } from "./store.js";

export interface StoreFixture {
  store: Store;
  /** A new store over the same data, as after a process restart (only for persistent stores). */
  reopen?: () => Promise<Store>;
  /** Removes what the store wrote; the stores it handed out are closed by the suite first. */
  cleanup(): Promise<void>;
}

export interface StoreFixtureOptions {
  historyLimit?: number;
}

/** How long a test waits for an event that should come promptly; generous for loaded CI machines. */
const eventTimeoutMs = 5000;

/**
 * The behaviour every Store must have, as a vitest suite: call it from each implementation's test
 * file. `makeStore` returns a fresh, empty store per call.
 */
export function describeStoreConformance(
  name: string,
  makeStore: (options?: StoreFixtureOptions) => Promise<StoreFixture>,
): void {
  describe(`${name} (store conformance)`, () => {
    const fixtures: StoreFixture[] = [];
    const opened: Store[] = [];
    const controllers: AbortController[] = [];

    async function fresh(options?: StoreFixtureOptions): Promise<StoreFixture> {
      const fixture = await makeStore(options);
      fixtures.push(fixture);
      opened.push(fixture.store);
      return fixture;
    }

    async function reopen(fixture: StoreFixture): Promise<Store> {
      const store = await fixture.reopen!();
      opened.push(store);
      return store;
    }

    function watch(s: Store, collection: string, options: Omit<WatchOptions, "signal">) {
      const controller = new AbortController();
      controllers.push(controller);
      const events = s.watch(collection, { ...options, signal: controller.signal })[Symbol.asyncIterator]();
      return { events, controller };
    }

    let store: Store;
    beforeEach(async () => {
      store = (await fresh()).store;
    });

    afterEach(async () => {
      for (const controller of controllers.splice(0)) controller.abort();
      for (const s of opened.splice(0)) await s.close();
      for (const fixture of fixtures.splice(0)) await fixture.cleanup();
    });

    it("creates, gets, lists, updates and deletes an object", async () => {
      const created = await store.create("widgets", "default/a", '{"spec":{"size":1}}');
      expect(created).toEqual({
        name: "default/a",
        value: '{"spec":{"size":1}}',
        resourceVersion: expect.any(Number),
      });
      expect(await store.get("widgets", "default/a")).toEqual(created);

      const listed = await store.list("widgets");
      expect(listed.items).toEqual([created]);
      expect(listed.resourceVersion).toBe(created.resourceVersion);

      const updated = await store.update("widgets", "default/a", '{"spec":{"size":2}}');
      expect(updated.resourceVersion).toBeGreaterThan(created.resourceVersion);
      expect(await store.get("widgets", "default/a")).toEqual(updated);

      const deleted = await store.delete("widgets", "default/a");
      expect(deleted).toEqual({
        name: "default/a",
        value: '{"spec":{"size":2}}',
        resourceVersion: updated.resourceVersion + 1,
      });
      expect(await store.get("widgets", "default/a")).toBeUndefined();
      expect((await store.list("widgets")).items).toEqual([]);
      expect(await store.currentResourceVersion()).toBe(deleted.resourceVersion);
    });

    it("keeps values byte for byte (empty arrays, unicode, spaces)", async () => {
      const value = '{"a":[],"b":{},"c":"grüße 🌐","d":"  two  spaces "}';
      await store.create("widgets", "name with spaces", value);
      expect((await store.get("widgets", "name with spaces"))?.value).toBe(value);
      expect((await store.list("widgets")).items[0]?.value).toBe(value);
    });

    it("refuses to create a name that exists, keeping the stored value", async () => {
      const first = await store.create("widgets", "a", "1");
      await expectApiError(store.create("widgets", "a", "2"), "AlreadyExists", /widgets "a" already exists/);
      expect(await store.get("widgets", "a")).toEqual(first);
      expect(await store.currentResourceVersion()).toBe(first.resourceVersion);
    });

    it("reports a missing object: undefined on get, NotFound on update and delete", async () => {
      expect(await store.get("widgets", "missing")).toBeUndefined();
      await expectApiError(
        store.update("widgets", "missing", "1"),
        "NotFound",
        /widgets "missing" not found/,
      );
      await expectApiError(store.delete("widgets", "missing"), "NotFound", /not found/);
      expect(await store.currentResourceVersion()).toBe(0);
    });

    it("rejects an update or delete with a stale expected version (Conflict)", async () => {
      const v1 = await store.create("widgets", "a", "1");
      const v2 = await store.update("widgets", "a", "2", v1.resourceVersion);
      await expectApiError(
        store.update("widgets", "a", "3", v1.resourceVersion),
        "Conflict",
        /latest version/,
      );
      await expectApiError(store.delete("widgets", "a", v1.resourceVersion), "Conflict");
      expect(await store.get("widgets", "a")).toEqual(v2);
      const deleted = await store.delete("widgets", "a", v2.resourceVersion);
      expect(deleted.value).toBe("2");
    });

    it("numbers writes with one counter that strictly increases across collections", async () => {
      const versions = [
        (await store.create("widgets", "a", "1")).resourceVersion,
        (await store.create("gadgets", "a", "1")).resourceVersion,
        (await store.update("widgets", "a", "2")).resourceVersion,
        (await store.create("gadgets", "b", "1")).resourceVersion,
        (await store.delete("gadgets", "a")).resourceVersion,
      ];
      for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
      expect(await store.currentResourceVersion()).toBe(versions.at(-1));
      expect((await store.list("widgets")).resourceVersion).toBe(versions.at(-1));
    });

    it("lists only the names with the given prefix, sorted by name", async () => {
      await store.create("widgets", "ns2/b", "x");
      await store.create("widgets", "ns1/b", "x");
      await store.create("widgets", "ns1/a", "x");
      await store.create("widgets", "ns10/a", "x");
      await store.create("gadgets", "ns1/c", "x");
      const listed = await store.list("widgets", { prefix: "ns1/" });
      expect(listed.items.map((i) => i.name)).toEqual(["ns1/a", "ns1/b"]);
      expect((await store.list("widgets")).items.map((i) => i.name)).toEqual([
        "ns1/a",
        "ns1/b",
        "ns10/a",
        "ns2/b",
      ]);
    });

    it("watching from a list's version delivers exactly the writes after the list", async () => {
      await store.create("widgets", "a", "1");
      await store.update("widgets", "a", "2");
      const listed = await store.list("widgets");
      const b = await store.create("widgets", "b", "1");
      await store.create("gadgets", "x", "1"); // another collection: not part of this watch
      const a3 = await store.update("widgets", "a", "3");

      const { events } = watch(store, "widgets", { fromResourceVersion: listed.resourceVersion });
      expect(await take(events, 2)).toEqual([
        { type: "ADDED", name: "b", value: "1", resourceVersion: b.resourceVersion },
        { type: "MODIFIED", name: "a", value: "3", resourceVersion: a3.resourceVersion },
      ]);
      await expectNextIsOnly(store, events);
    });

    it("replays retained history from an older version in order, DELETED carrying the last value", async () => {
      // (Version 0 would mean "from now": start from a real, older version.)
      const before = (await store.create("gadgets", "unrelated", "1")).resourceVersion;
      const added = await store.create("widgets", "a", '{"v":1}');
      const modified = await store.update("widgets", "a", '{"v":2}');
      const deleted = await store.delete("widgets", "a");

      const { events } = watch(store, "widgets", { fromResourceVersion: before });
      expect(await take(events, 3)).toEqual([
        { type: "ADDED", name: "a", value: '{"v":1}', resourceVersion: added.resourceVersion },
        { type: "MODIFIED", name: "a", value: '{"v":2}', resourceVersion: modified.resourceVersion },
        { type: "DELETED", name: "a", value: '{"v":2}', resourceVersion: deleted.resourceVersion },
      ]);
      // From the middle: only what came after.
      const fromMiddle = watch(store, "widgets", { fromResourceVersion: added.resourceVersion }).events;
      expect((await take(fromMiddle, 2)).map((e) => e.resourceVersion)).toEqual([
        modified.resourceVersion,
        deleted.resourceVersion,
      ]);
    });

    it("a watch from 0 starts at the call: earlier writes are not delivered, later ones are", async () => {
      await store.create("widgets", "before", "1");
      const { events } = watch(store, "widgets", { fromResourceVersion: 0 });
      const after = await store.create("widgets", "after", "1");
      expect(await take(events, 1)).toEqual([
        { type: "ADDED", name: "after", value: "1", resourceVersion: after.resourceVersion },
      ]);
      await expectNextIsOnly(store, events);
    });

    it("a watch with a prefix delivers only matching names", async () => {
      const before = (await store.create("gadgets", "unrelated", "1")).resourceVersion;
      await store.create("widgets", "ns1/a", "1");
      await store.create("widgets", "ns2/a", "1");
      const { events } = watch(store, "widgets", { fromResourceVersion: before, prefix: "ns1/" });
      await store.update("widgets", "ns2/a", "2");
      await store.update("widgets", "ns1/a", "2");
      await store.delete("widgets", "ns2/a");
      await store.delete("widgets", "ns1/a");
      const seen = await take(events, 3);
      expect(seen.map((e) => [e.type, e.name, e.value])).toEqual([
        ["ADDED", "ns1/a", "1"],
        ["MODIFIED", "ns1/a", "2"],
        ["DELETED", "ns1/a", "2"],
      ]);
      await expectNextIsOnly(store, events, "ns1/");
    });

    it("a write to one collection does not reach a watch on another", async () => {
      const { events } = watch(store, "widgets", { fromResourceVersion: 0 });
      await store.create("gadgets", "a", "1");
      const mine = await store.create("widgets", "a", "1");
      expect((await take(events, 1))[0]?.resourceVersion).toBe(mine.resourceVersion);
    });

    it("fails a watch with Expired exactly when events after its version were trimmed", async () => {
      const small = (await fresh({ historyLimit: 5 })).store;
      // Interleave another collection so the versions of "widgets" have holes between them.
      const written: number[] = [];
      for (let i = 0; i < 30; i++) {
        written.push((await small.create("widgets", `w${i}`, String(i))).resourceVersion);
        await small.create("gadgets", `g${i}`, String(i));
      }
      // Every version up to the last widget write: Expired, or the complete history after it.
      const outcomes: Array<{ from: number; expired: boolean }> = [];
      const kept = new Set<number>();
      for (let from = 1; from < written.at(-1)!; from++) {
        const { events, controller } = watch(small, "widgets", { fromResourceVersion: from });
        const wanted = written.filter((v) => v > from);
        try {
          const got = (await take(events, wanted.length)).map((e) => e.resourceVersion);
          expect(got).toEqual(wanted);
          for (const v of got) kept.add(v);
          outcomes.push({ from, expired: false });
        } catch (err) {
          if (!isApiError(err, "Expired")) throw err;
          expect(err.message).toMatch(/resource version \d+ is too old \(oldest kept is \d+\): list again/);
          outcomes.push({ from, expired: true });
        } finally {
          controller.abort();
        }
      }
      const trimmed = written.filter((v) => !kept.has(v));
      expect(trimmed.length).toBeGreaterThan(0);
      expect(written.length - trimmed.length).toBeGreaterThanOrEqual(5);
      // Exactly: Expired iff some trimmed event is newer than the version watched from.
      expect(outcomes).toEqual(
        outcomes.map(({ from }) => ({ from, expired: trimmed.some((v) => v > from) })),
      );
    });

    it("Expired is thrown before any event is yielded", async () => {
      const small = (await fresh({ historyLimit: 2 })).store;
      const first = await small.create("widgets", "a", "0");
      for (let i = 1; i < 10; i++) await small.update("widgets", "a", String(i));
      const { events } = watch(small, "widgets", { fromResourceVersion: first.resourceVersion });
      await expectApiError(
        withTimeout(events.next(), "the watch to fail"),
        "Expired",
        new RegExp(`resource version ${first.resourceVersion} is too old`),
      );
    });

    it("rejects a watch from a version that is not a non-negative integer (BadRequest)", async () => {
      for (const fromResourceVersion of [-1, 1.5]) {
        const { events } = watch(store, "widgets", { fromResourceVersion });
        await expectApiError(
          withTimeout(events.next(), "the watch to fail"),
          "BadRequest",
          /non-negative integer/,
        );
      }
    });

    it("lets exactly one of 20 concurrent updates with the same expected version win", async () => {
      const created = await store.create("widgets", "a", "start");
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.update("widgets", "a", `writer ${i}`, created.resourceVersion),
        ),
      );
      const winners = outcomes.filter((o) => o.status === "fulfilled");
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect(isApiError(loser.reason, "Conflict")).toBe(true);
      const winner = (winners[0] as PromiseFulfilledResult<{ value: string; resourceVersion: number }>).value;
      expect(await store.get("widgets", "a")).toEqual({ name: "a", ...winner });
    });

    it("ends a watch cleanly when its signal aborts", async () => {
      const { events, controller } = watch(store, "widgets", { fromResourceVersion: 0 });
      await store.create("widgets", "a", "1");
      expect(await take(events, 1)).toHaveLength(1);
      const pending = events.next();
      controller.abort();
      expect(await withTimeout(pending, "the aborted watch to end")).toEqual({
        done: true,
        value: undefined,
      });
      await store.create("widgets", "b", "1");
      expect(await events.next()).toEqual({ done: true, value: undefined });

      const aborted = new AbortController();
      aborted.abort();
      const never = store.watch("widgets", { fromResourceVersion: 0, signal: aborted.signal });
      expect(await withTimeout(never[Symbol.asyncIterator]().next(), "a pre-aborted watch to end")).toEqual({
        done: true,
        value: undefined,
      });
    });

    it("close() ends every watch", async () => {
      const s = (await fresh()).store;
      const { events } = watch(s, "widgets", { fromResourceVersion: 0 });
      await s.create("widgets", "a", "1");
      await take(events, 1);
      const pending = events.next();
      await s.close();
      expect(await withTimeout(pending, "close() to end the watch")).toEqual({
        done: true,
        value: undefined,
      });
    });

    it("delivers promptly to a watch on a second collection while the first one's watch is idle", async () => {
      const a = watch(store, "widgets", { fromResourceVersion: 0 }).events;
      await store.create("widgets", "a1", "1");
      await take(a, 1);
      // History is read by now, so this one arrives live (for Redis: the reader is reading widgets).
      await store.create("widgets", "a2", "1");
      await take(a, 1);
      const idleA = a.next(); // the watch on widgets now waits (for Redis: the reader is blocked)

      const b = watch(store, "gadgets", { fromResourceVersion: 0 }).events;
      await store.create("gadgets", "b1", "1");
      await take(b, 1);
      // The watch on gadgets is fully set up now; its next event must arrive live, promptly.
      await store.create("gadgets", "b2", "1");
      const [event] = await take(b, 1, 1000);
      expect(event?.name).toBe("b2");

      await store.create("widgets", "a3", "1");
      expect((await withTimeout(idleA, "the event on widgets")).value).toMatchObject({ name: "a3" });
    });

    it("delivers the same events to many watches of one collection", async () => {
      const from = await store.currentResourceVersion();
      const watches = Array.from(
        { length: 5 },
        () => watch(store, "widgets", { fromResourceVersion: from }).events,
      );
      const writes = [];
      for (let i = 0; i < 10; i++) writes.push(await store.create("widgets", `w${i}`, String(i)));
      const expected = writes.map((w) => w.resourceVersion);
      for (const events of watches) {
        expect((await take(events, 10)).map((e) => e.resourceVersion)).toEqual(expected);
      }
    });

    it("a watch resumes across a restart with exactly the missed events", async (context) => {
      const fixture = fixtures[0]!;
      if (!fixture.reopen) {
        context.skip("this store does not persist across restarts");
        return;
      }
      await store.create("widgets", "a", "1");
      const { events } = watch(store, "widgets", { fromResourceVersion: 0 });
      const seen = await store.update("widgets", "a", "2");
      const [last] = await take(events, 1);
      expect(last?.resourceVersion).toBe(seen.resourceVersion);
      await store.close();

      const writer = await reopen(fixture);
      expect(await writer.get("widgets", "a")).toEqual({
        name: "a",
        value: "2",
        resourceVersion: seen.resourceVersion,
      });
      const missed = [
        await writer.create("widgets", "b", "1"),
        await writer.update("widgets", "a", "3"),
        await writer.delete("widgets", "b"),
      ];
      await writer.close();

      const reader = await reopen(fixture);
      const resumed = watch(reader, "widgets", { fromResourceVersion: last!.resourceVersion }).events;
      expect((await take(resumed, 3)).map((e) => [e.type, e.name, e.resourceVersion])).toEqual([
        ["ADDED", "b", missed[0]!.resourceVersion],
        ["MODIFIED", "a", missed[1]!.resourceVersion],
        ["DELETED", "b", missed[2]!.resourceVersion],
      ]);
      await expectNextIsOnly(reader, resumed);
      expect(await reader.currentResourceVersion()).toBeGreaterThan(missed[2]!.resourceVersion);
    });
  });
}

/** The next `count` events, failing if they do not arrive in time or the watch ends. */
export async function take(
  events: AsyncIterator<StoreEvent>,
  count: number,
  timeoutMs = eventTimeoutMs,
): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  while (out.length < count) {
    const next = await withTimeout(events.next(), `event ${out.length + 1} of ${count}`, timeoutMs);
    if (next.done) throw new Error(`the watch ended after ${out.length} of ${count} events`);
    out.push(next.value);
  }
  return out;
}

/**
 * Asserts that nothing else is queued on the watch: writes a marker object and expects it to be
 * the very next event, which avoids sleeping and hoping.
 */
async function expectNextIsOnly(store: Store, events: AsyncIterator<StoreEvent>, prefix = ""): Promise<void> {
  const marker = await store.create("widgets", `${prefix}marker-${Math.random().toString(36).slice(2)}`, "m");
  expect((await take(events, 1))[0]).toEqual({ type: "ADDED", ...marker });
}

async function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = eventTimeoutMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectApiError(
  promise: Promise<unknown>,
  reason: ApiErrorReason,
  message?: RegExp,
): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isApiError(err, reason)) {
    throw new Error(`expected an ApiError ${reason}, got ${err === undefined ? "success" : String(err)}`);
  }
  if (message) expect(err.message).toMatch(message);
}
