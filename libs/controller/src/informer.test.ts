import type { ApiObject } from "@ironcore-ts/apimachinery";
import { objectKey } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterEach, describe, expect, it } from "vitest";
import { Informer } from "./informer.js";
import { FakeListWatcher } from "./testing.js";

interface Pod extends ApiObject {
  spec: { node?: string; image?: string };
}

function pod(name: string, spec: Pod["spec"] = {}, namespace = "default"): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec };
}

/** Records handler calls as readable lines: "add default/a", "update default/a 1->3", ... */
function record(informer: Informer<Pod>): string[] {
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => events.push(`add ${objectKey(o.metadata)}`),
    onUpdate: (o, n) =>
      events.push(
        `update ${objectKey(n.metadata)} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`,
      ),
    onDelete: (o) => events.push(`delete ${objectKey(o.metadata)}`),
  });
  return events;
}

const stops: AbortController[] = [];
function startInformer(fake: FakeListWatcher<Pod>) {
  const informer = new Informer<Pod>(fake, { name: "pods", backoff: { baseMs: 5, maxMs: 50 } });
  const events = record(informer);
  const stop = new AbortController();
  stops.push(stop);
  const done = informer.start(stop.signal);
  return { informer, events, stop, done };
}

afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});

describe("Informer", () => {
  it("lists, reports every object as added, and then counts as synced", async () => {
    const fake = new FakeListWatcher([pod("a"), pod("b", {}, "other")]);
    const { informer, events } = startInformer(fake);
    expect(informer.hasSynced()).toBe(false);
    expect(await informer.waitForSync()).toBe(true);
    expect(informer.hasSynced()).toBe(true);
    expect(events.sort()).toEqual(["add default/a", "add other/b"]);
    expect(informer.get("default/a")?.metadata.name).toBe("a");
    expect(informer.get("other/b")?.metadata.namespace).toBe("other");
    expect(informer.list()).toHaveLength(2);
  });

  it("follows creates, updates and deletes from the watch", async () => {
    const fake = new FakeListWatcher([pod("a")]);
    const { informer, events } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));

    fake.create(pod("b"));
    fake.update(pod("a", { image: "v2" }));
    fake.delete("default/b");

    await eventually(() =>
      expect(events).toEqual(["add default/a", "add default/b", "update default/a 1->3", "delete default/b"]),
    );
    expect(informer.get("default/a")?.spec.image).toBe("v2");
    expect(informer.get("default/b")).toBeUndefined();
    expect(informer.lastSyncResourceVersion).toBe(fake.resourceVersion);
  });

  it("keeps indexes current through updates and deletes", async () => {
    const fake = new FakeListWatcher([pod("a", { node: "n1" }), pod("b", { node: "n1" })]);
    const { informer } = startInformer(fake);
    await informer.waitForSync();
    // Added after sync: existing objects are indexed at once.
    informer.addIndex("node", (p) => (p.spec.node ? [p.spec.node] : []));
    const names = (node: string) =>
      informer
        .byIndex("node", node)
        .map((p) => p.metadata.name)
        .sort();
    expect(names("n1")).toEqual(["a", "b"]);

    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.update(pod("a", { node: "n2" }));
    fake.delete("default/b");
    fake.create(pod("c", { node: "n2" }));
    await eventually(() => expect(names("n2")).toEqual(["a", "c"]));
    expect(names("n1")).toEqual([]);
    expect(() => informer.byIndex("nope", "x")).toThrow(/no index/);
    expect(() => informer.addIndex("node", () => [])).toThrow(/already exists/);
  });

  it("re-lists after the watch expired and reports exactly what it missed", async () => {
    const fake = new FakeListWatcher([pod("keep"), pod("change"), pod("vanish")]);
    const { informer, events } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));
    events.length = 0;

    // The connection drops; changes happen meanwhile; the server compacts that history away.
    fake.disconnect();
    fake.update(pod("change", { image: "v2" }));
    fake.delete("default/vanish");
    fake.create(pod("new"));
    fake.expire();
    const listsBefore = fake.listCalls;
    fake.reconnect();

    await eventually(() =>
      expect(events.sort()).toEqual([
        "add default/new",
        "delete default/vanish",
        "update default/change 2->4",
      ]),
    );
    expect(fake.listCalls).toBe(listsBefore + 1);
    expect(informer.keys().sort()).toEqual(["default/change", "default/keep", "default/new"]);
    expect(informer.get("default/change")?.spec.image).toBe("v2");

    // And it watches on from the new list.
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.delete("default/keep");
    await eventually(() => expect(events).toContain("delete default/keep"));
  });

  it("re-lists without spurious events when nothing changed", async () => {
    const fake = new FakeListWatcher([pod("a"), pod("b")]);
    const { informer, events } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.expire();
    await eventually(() => expect(fake.listCalls).toBe(2));
    await eventually(() => expect(fake.openWatches).toBe(1));
    expect(events.sort()).toEqual(["add default/a", "add default/b"]);
  });

  it("watches again from the last version after the stream ends or fails, without re-listing", async () => {
    const fake = new FakeListWatcher([pod("a")]);
    const { informer, events } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));

    fake.create(pod("b"));
    await eventually(() => expect(events).toContain("add default/b"));
    fake.endWatches();
    fake.create(pod("c"));
    await eventually(() => expect(events).toContain("add default/c"));

    fake.disconnect();
    fake.create(pod("d"));
    fake.reconnect();
    await eventually(() => expect(events).toContain("add default/d"));

    // Every change exactly once, and the list was never repeated.
    expect(events).toEqual(["add default/a", "add default/b", "add default/c", "add default/d"]);
    expect(fake.listCalls).toBe(1);
    expect(fake.watchCalls).toBeGreaterThanOrEqual(3);
  });

  it("moves its version forward on bookmarks, and watches on from there", async () => {
    const fake = new FakeListWatcher([pod("a")]);
    const { informer, events } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));
    // Versions move on without changes to this kind (as with a store shared by kinds).
    fake.advanceVersion(5);
    fake.bookmark();
    await eventually(() => expect(informer.lastSyncResourceVersion).toBe("6"));
    expect(events).toEqual(["add default/a"]);
    // History before version 6 is dropped and the stream closes: watching again from the bookmark
    // works, from the last event's version it would have needed a re-list.
    fake.compact();
    fake.endWatches();
    await eventually(() => expect(fake.watchCalls).toBe(2));
    await eventually(() => expect(fake.openWatches).toBe(1));
    expect(fake.listCalls).toBe(1);
  });

  it("tells a handler added late about the objects already cached", async () => {
    const fake = new FakeListWatcher([pod("a"), pod("b")]);
    const { informer } = startInformer(fake);
    await informer.waitForSync();
    const late: string[] = [];
    const remove = informer.onAdd((o) => late.push(o.metadata.name!));
    expect(late.sort()).toEqual(["a", "b"]);
    remove();
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.create(pod("c"));
    await eventually(() => expect(informer.get("default/c")).toBeDefined());
    expect(late).toHaveLength(2);
  });

  it("keeps delivering events when a handler throws", async () => {
    const fake = new FakeListWatcher<Pod>();
    const { informer, events } = startInformer(fake);
    informer.onAdd(() => {
      throw new Error("boom");
    });
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.create(pod("a"));
    fake.create(pod("b"));
    await eventually(() => expect(events).toEqual(["add default/a", "add default/b"]));
  });

  it("stops when its signal aborts, and waitForSync gives up on abort", async () => {
    const never = {
      list: () => new Promise<never>(() => {}),
      watch: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => {}) }) }),
    };
    const cold = new Informer<Pod>(never);
    const giveUp = new AbortController();
    const waiting = cold.waitForSync(giveUp.signal);
    giveUp.abort();
    expect(await waiting).toBe(false);

    const fake = new FakeListWatcher([pod("a")]);
    const { informer, stop, done } = startInformer(fake);
    await informer.waitForSync();
    await eventually(() => expect(fake.openWatches).toBe(1));
    stop.abort();
    await done;
    expect(fake.openWatches).toBe(0);
    // The cache stays readable after stop.
    expect(informer.get("default/a")).toBeDefined();
  });
});
