import { eventually } from "@ironcore-ts/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { MemoryRouteBus } from "./memoryRouteBus.js";
import { MemoryRouteHub } from "./memoryRouteHub.js";
import { routeKey } from "./route.js";
import { barrier, describeRouteBusConformance, keysOf, recordEvents, std } from "./routeBusConformance.js";
import { RouteReflector } from "./routeReflector.js";

const logger = pino({ level: "silent" });
let reflectors = 0;

function memoryHarness(hub = new MemoryRouteHub()) {
  return {
    hub,
    client: async (origin: string, options: { keepaliveMs?: number } = {}) => {
      const client = new MemoryRouteBus({ origin, hub, logger, keepaliveMs: options.keepaliveMs });
      await client.connect();
      return client;
    },
    kill: async (client: object) => hub.crash(client),
    reflector: async (options = {}) => {
      const bus = new MemoryRouteBus({ origin: `reflector-${++reflectors}`, hub, logger });
      const reflector = new RouteReflector({ ...options, bus, logger });
      await reflector.start();
      return reflector;
    },
    restartServer: () => hub.restart(200),
    cleanup: async () => {},
  };
}

describeRouteBusConformance("MemoryRouteBus", async () => memoryHarness(), { canRestartServer: true });

describe("MemoryRouteBus", () => {
  it("re-syncs a client cut off alone: changes made meanwhile arrive once, nothing else repeats", async () => {
    const { hub, client } = memoryHarness();
    const a = await client("node-a");
    const c = await client("node-c");
    await c.subscribe(1);
    const kept = std(1, "10.0.0.1/32", "fd00::a");
    const dropped = std(1, "10.0.0.2/32", "fd00::a");
    const added = std(1, "10.0.0.3/32", "fd00::a");
    await a.announce(kept);
    await a.announce(dropped);
    await eventually(() => expect(c.routes(1)).toHaveLength(2));
    const events = recordEvents(c);

    hub.disconnect(c);
    await a.withdraw(dropped);
    await a.announce(added);
    // Cut off for longer than the dead time: what c already has stays installed meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(keysOf(c.routes(1))).toEqual(keysOf([kept, dropped]));
    hub.reconnect(c);

    await eventually(() => expect(keysOf(c.routes(1))).toEqual(keysOf([kept, added])));
    await barrier(a, c, 1);
    expect(events.filter((e) => !e.includes("198.51."))).toEqual([
      `-${routeKey(dropped)}`,
      `+${routeKey(added)}`,
    ]);
    await Promise.all([a.close(), c.close()]);
  });

  it("re-announces an origin's routes when it was cut off long enough to be reaped", async () => {
    const { hub, client, reflector: startReflector } = memoryHarness();
    const reflector = await startReflector({ startupGraceMs: 0, sweepIntervalMs: 100 });
    const a = await client("node-a", { keepaliveMs: 200 });
    const c = await client("node-c");
    await c.subscribe(2);
    await a.announce(std(2, "10.0.0.1/32", "fd00::a"));
    await eventually(() => expect(c.routes(2)).toHaveLength(1));
    hub.disconnect(a);
    await eventually(() => expect(reflector.stats().reapedEntries).toBe(1));
    expect(c.routes(2)).toEqual([]);
    hub.reconnect(a);
    await eventually(() => expect(c.routes(2)).toHaveLength(1));
    await Promise.all([a.close(), c.close(), reflector.close()]);
  });

  it("stores announcements made before connect() and resolves them once stored", async () => {
    const hub = new MemoryRouteHub();
    const a = new MemoryRouteBus({ origin: "node-a", hub, logger });
    const stored = a.announce(std(3, "10.0.0.1/32", "fd00::a"));
    const subscribed = a.subscribe(3);
    await a.connect();
    await stored;
    await subscribed;
    const c = new MemoryRouteBus({ origin: "node-c", hub, logger });
    await c.connect();
    await c.subscribe(3);
    expect(c.routes(3)).toHaveLength(1);
    await Promise.all([a.close(), c.close()]);
  });

  it("lets the newer of two processes with one origin id win, and stops the older one writing", async () => {
    const { client } = memoryHarness();
    const older = await client("node-a");
    const c = await client("node-c");
    await c.subscribe(5);
    await older.announce(std(5, "10.0.0.1/32", "fd00::1"));
    await eventually(() => expect(c.routes(5)).toHaveLength(1));
    const newer = await client("node-a");
    await newer.announce(std(5, "10.0.0.2/32", "fd00::2"));
    await eventually(() => expect(keysOf(c.routes(5))).toEqual(keysOf([std(5, "10.0.0.2/32", "fd00::2")])));
    await eventually(() =>
      expect(older.announce(std(5, "10.0.0.3/32", "fd00::1"))).rejects.toThrow(/newer process/),
    );
    // The older one's heartbeats stopped, so it does not flip the origin back.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(keysOf(c.routes(5))).toEqual(keysOf([std(5, "10.0.0.2/32", "fd00::2")]));
    await Promise.all([older.close(), newer.close(), c.close()]);
  });

  it("withdraws everything of a closed client at once and refuses further use", async () => {
    const { client } = memoryHarness();
    const a = await client("node-a");
    const c = await client("node-c");
    await c.subscribe(4);
    await a.announce(std(4, "10.0.0.1/32", "fd00::a"));
    await eventually(() => expect(c.routes(4)).toHaveLength(1));
    await a.close();
    await eventually(() => expect(c.routes(4)).toEqual([]));
    await expect(a.announce(std(4, "10.0.0.2/32", "fd00::a"))).rejects.toThrow(/closed/);
    await expect(c.subscribe(-1)).rejects.toMatchObject({ reason: "Invalid" });
    await c.close();
  });
});
