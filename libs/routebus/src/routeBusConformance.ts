import { eventually } from "@ironcore-ts/testing";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NextHop, Route } from "./route.js";
import { routeKey } from "./route.js";
import type { RouteReflector, RouteReflectorOptions } from "./routeReflector.js";
import type { StoreRouteBus } from "./storeRouteBus.js";

export interface ClientOptions {
  keepaliveMs?: number;
}

/** One bus per test: every client and reflector it makes shares that bus and nothing else. */
export interface RouteBusHarness {
  /** A connected client on its own connection. */
  client(origin: string, options?: ClientOptions): Promise<StoreRouteBus>;
  /** Ends a client's process abruptly: the connection drops, nothing is withdrawn. */
  kill(client: StoreRouteBus): Promise<void>;
  /** A started reflector on the bus. */
  reflector(options?: Omit<RouteReflectorOptions, "bus">): Promise<RouteReflector>;
  /** Restarts the bus server (storage survives); the restart test runs only where this exists. */
  restartServer?(): Promise<void>;
  /** Removes what the bus stored; clients and reflectors are closed by the suite first. */
  cleanup(): Promise<void>;
}

/** Generous: a loaded CI machine must never make these fail. Absence is proven with barriers instead. */
const waitMs = 10_000;

export function std(vni: number, prefix: string, targetAddress: string): Route {
  return {
    vni,
    destination: { ipVersion: prefix.includes(":") ? 6 : 4, prefix },
    nextHop: { targetAddress, targetVni: 0, type: "STANDARD" },
  };
}

export function nat(vni: number, prefix: string, targetAddress: string, from: number, to: number): Route {
  const hop: NextHop = {
    targetAddress,
    targetVni: 0,
    type: "NAT",
    natPortRangeFrom: from,
    natPortRangeTo: to,
  };
  return { vni, destination: { ipVersion: 4, prefix }, nextHop: hop };
}

export function lbTarget(vni: number, prefix: string, targetAddress: string): Route {
  return {
    vni,
    destination: { ipVersion: 4, prefix },
    nextHop: { targetAddress, targetVni: 0, type: "LOADBALANCER_TARGET" },
  };
}

/** "+key" / "-key" for every onAdd / onRemove, in order. */
export function recordEvents(client: StoreRouteBus): string[] {
  const events: string[] = [];
  client.onAdd((r) => events.push(`+${routeKey(r)}`));
  client.onRemove((r) => events.push(`-${routeKey(r)}`));
  return events;
}

export function keysOf(routes: Route[]): string[] {
  return routes.map(routeKey).sort();
}

let sentinels = 0;

/**
 * Writes a fresh route from `from` into `vni` and waits until `to` has it: storage is ordered, so
 * `to` has then also processed everything `from` stored in that VNI before. Used to prove that
 * something did NOT happen without sleeping.
 */
export async function barrier(from: StoreRouteBus, to: StoreRouteBus, vni: number): Promise<void> {
  const n = ++sentinels;
  const sentinel = std(vni, `198.51.${(n >> 8) & 255}.${n & 255}/32`, "fd00:ffff::1");
  await from.announce(sentinel);
  await eventually(() => expect(keysOf(to.routes(vni))).toContain(routeKey(sentinel)), { timeoutMs: waitMs });
  await from.withdraw(sentinel);
  await eventually(() => expect(keysOf(to.routes(vni))).not.toContain(routeKey(sentinel)), {
    timeoutMs: waitMs,
  });
}

/** The behaviour every route bus must have (metalbond.md §9), as a vitest suite. */
export function describeRouteBusConformance(
  name: string,
  makeHarness: () => Promise<RouteBusHarness>,
  options: { canRestartServer?: boolean } = {},
): void {
  describe(`${name} (route bus conformance)`, () => {
    let harness: RouteBusHarness;
    const opened: Array<{ close(): Promise<void> }> = [];

    async function client(origin: string, options?: ClientOptions): Promise<StoreRouteBus> {
      const c = await harness.client(origin, options);
      opened.push(c);
      return c;
    }

    async function startReflector(options?: Omit<RouteReflectorOptions, "bus">): Promise<RouteReflector> {
      const r = await harness.reflector(options);
      opened.push(r);
      return r;
    }

    beforeEach(async () => {
      harness = await makeHarness();
    });

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((c) => c.close()));
      await harness.cleanup();
    });

    it("gives a late subscriber the full table of the VNI from every origin before subscribe resolves", async () => {
      const a = await client("node-a");
      const b = await client("node-b");
      await a.announce(std(10, "10.0.0.1/32", "fd00::a"));
      await a.announce(std(10, "10.0.1.0/24", "fd00::a"));
      await b.announce(nat(10, "192.0.2.1/32", "fd00::b", 1024, 2047));
      await b.announce(std(11, "10.9.0.1/32", "fd00::b"));

      const late = await client("node-c");
      const events = recordEvents(late);
      await late.subscribe(10);
      const expected = keysOf([
        std(10, "10.0.0.1/32", "fd00::a"),
        std(10, "10.0.1.0/24", "fd00::a"),
        nat(10, "192.0.2.1/32", "fd00::b", 1024, 2047),
      ]);
      expect(keysOf(late.routes(10))).toEqual(expected);
      expect(keysOf(late.routes())).toEqual(expected);
      expect(events.sort()).toEqual(expected.map((k) => `+${k}`));
      expect(late.routes(10).find((r) => r.nextHop.type === "NAT")?.nextHop).toEqual({
        targetAddress: "fd00::b",
        targetVni: 0,
        type: "NAT",
        natPortRangeFrom: 1024,
        natPortRangeTo: 2047,
      });
    });

    it("delivers only subscribed VNIs; announcing needs no subscription", async () => {
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(20);
      await a.announce(std(20, "10.0.0.1/32", "fd00::a"));
      await a.announce(std(21, "10.0.0.2/32", "fd00::a"));
      await barrier(a, c, 20);
      expect(keysOf(c.routes())).toEqual(keysOf([std(20, "10.0.0.1/32", "fd00::a")]));

      await c.subscribe(21);
      expect(keysOf(c.routes(21))).toEqual(keysOf([std(21, "10.0.0.2/32", "fd00::a")]));
    });

    it("treats a duplicate announce and a withdraw of an unknown route as no-ops", async () => {
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(30);
      const events = recordEvents(c);
      const r = std(30, "10.0.0.1/32", "fd00::a");
      await a.announce(r);
      await a.announce(r);
      await a.announce({ ...r, nextHop: { ...r.nextHop, targetAddress: "FD00:0::A" } });
      await a.withdraw(std(30, "10.0.0.99/32", "fd00::a"));
      await barrier(a, c, 30);
      expect(events.filter((e) => e === `+${routeKey(r)}`)).toHaveLength(1);
      await a.withdraw(r);
      await a.withdraw(r);
      await barrier(a, c, 30);
      expect(events.filter((e) => e.endsWith(routeKey(r)))).toEqual([`+${routeKey(r)}`, `-${routeKey(r)}`]);
      expect(a.announcements()).toEqual([]);
    });

    it("keeps a route installed until the last origin announcing it withdraws", async () => {
      const a = await client("node-a");
      const b = await client("node-b");
      const c = await client("node-c");
      await c.subscribe(40);
      const events = recordEvents(c);
      const r = lbTarget(40, "10.0.0.50/32", "fd00::1");
      await a.announce(r);
      await b.announce(r);
      await barrier(a, c, 40);
      await barrier(b, c, 40);
      await a.withdraw(r);
      await barrier(a, c, 40);
      expect(keysOf(c.routes(40))).toEqual([routeKey(r)]);
      await b.withdraw(r);
      await eventually(() => expect(c.routes(40)).toEqual([]), { timeoutMs: waitMs });
      await barrier(b, c, 40);
      expect(events.filter((e) => e.endsWith(routeKey(r)))).toEqual([`+${routeKey(r)}`, `-${routeKey(r)}`]);
    });

    it("withdraws a killed origin's routes at every subscriber within three keepalive intervals", async () => {
      const keepaliveMs = 500;
      const a = await client("node-a", { keepaliveMs });
      const b = await client("node-b");
      const c1 = await client("node-c1");
      const c2 = await client("node-c2");
      await c1.subscribe(50);
      await c2.subscribe(50);
      await a.announce(std(50, "10.0.0.1/32", "fd00::a"));
      await a.announce(nat(50, "192.0.2.1/32", "fd00::a", 0, 1023));
      await b.announce(std(50, "10.0.0.2/32", "fd00::b"));
      for (const c of [c1, c2])
        await eventually(() => expect(c.routes(50)).toHaveLength(3), { timeoutMs: waitMs });

      const killedAt = Date.now();
      await harness.kill(a);
      await Promise.all(
        [c1, c2].map((c) =>
          eventually(
            () => expect(keysOf(c.routes(50))).toEqual(keysOf([std(50, "10.0.0.2/32", "fd00::b")])),
            {
              timeoutMs: waitMs,
            },
          ),
        ),
      );
      expect(Date.now() - killedAt).toBeLessThan(3 * keepaliveMs + 2000);
    });

    it("purges a restarted origin's previous-session routes as soon as the new session starts", async () => {
      // A long keepalive: expiry would take 15 s, so seeing the purge sooner proves the session switch did it.
      const first = await client("node-a", { keepaliveMs: 5000 });
      const c = await client("node-c");
      await c.subscribe(60);
      await first.announce(std(60, "10.0.0.1/32", "fd00::a"));
      await first.announce(std(60, "10.0.0.2/32", "fd00::a"));
      await eventually(() => expect(c.routes(60)).toHaveLength(2), { timeoutMs: waitMs });

      await harness.kill(first);
      const second = await client("node-a", { keepaliveMs: 5000 });
      expect(second.sessionId).not.toBe(first.sessionId);
      await second.announce(std(60, "10.0.0.3/32", "fd00::a2"));
      await eventually(
        () => expect(keysOf(c.routes(60))).toEqual(keysOf([std(60, "10.0.0.3/32", "fd00::a2")])),
        {
          timeoutMs: 5000,
        },
      );
      // Storage too: a newcomer finds only the new session's route.
      const late = await client("node-d");
      await late.subscribe(60);
      expect(late.stats().receivedEntries).toBe(1);
    });

    it("never delivers an origin's own routes back, hides conflicting ones, keeps NAT slices and LB targets", async () => {
      const a = await client("node-a");
      const b = await client("node-b");
      await a.subscribe(70);
      const events = recordEvents(a);
      const mine = std(70, "10.0.0.1/32", "fd00::a");
      const theirs = std(70, "10.0.0.1/32", "fd00::b");
      const myNat = nat(70, "192.0.2.1/32", "fd00::a", 0, 1023);
      const theirNat = nat(70, "192.0.2.1/32", "fd00::b", 1024, 2047);
      const clashingNat = nat(70, "192.0.2.1/32", "fd00::b", 512, 600);
      const lbIp = std(70, "10.0.0.100/32", "fd00::a");
      const target = lbTarget(70, "10.0.0.100/32", "fd00::b");
      for (const r of [mine, myNat, lbIp]) await a.announce(r);
      for (const r of [theirs, theirNat, clashingNat, target]) await b.announce(r);
      await barrier(b, a, 70);
      expect(keysOf(a.routes(70))).toEqual(keysOf([theirNat, target]));

      // Once a no longer announces the destination itself, b's route for it is installed.
      await a.withdraw(mine);
      expect(keysOf(a.routes(70))).toEqual(keysOf([theirNat, target, theirs]));
      await a.announce(mine);
      expect(keysOf(a.routes(70))).toEqual(keysOf([theirNat, target]));
      expect(events.some((e) => e.includes("fd00::a|"))).toBe(false);
    });

    it("applies one origin's announce/withdraw sequence for a route in order", async () => {
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(80);
      const r = std(80, "10.0.0.1/32", "fd00::a");
      await Promise.all([a.announce(r), a.withdraw(r), a.announce(r)]);
      await barrier(a, c, 80);
      expect(keysOf(c.routes(80))).toEqual([routeKey(r)]);
      await Promise.all([a.withdraw(r), a.announce(r), a.withdraw(r)]);
      await barrier(a, c, 80);
      expect(c.routes(80)).toEqual([]);
    });

    it("removes a VNI's routes on unsubscribe, with onRemove, and stops delivering it", async () => {
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(90);
      await c.subscribe(91);
      await a.announce(std(90, "10.0.0.1/32", "fd00::a"));
      await a.announce(std(91, "10.0.0.1/32", "fd00::a"));
      await eventually(() => expect(c.routes()).toHaveLength(2), { timeoutMs: waitMs });
      const events = recordEvents(c);
      await c.unsubscribe(90);
      await c.unsubscribe(90);
      expect(events).toEqual([`-${routeKey(std(90, "10.0.0.1/32", "fd00::a"))}`]);
      await a.announce(std(90, "10.0.0.2/32", "fd00::a"));
      await barrier(a, c, 91);
      expect(keysOf(c.routes())).toEqual(keysOf([std(91, "10.0.0.1/32", "fd00::a")]));
    });

    it("keeps delivering to other callbacks when one throws", async () => {
      const a = await client("node-a");
      const c = await client("node-c");
      c.onAdd(() => {
        throw new Error("consumer bug");
      });
      const seen: Route[] = [];
      c.onAdd((r) => seen.push(r));
      await c.subscribe(95);
      await a.announce(std(95, "10.0.0.1/32", "fd00::a"));
      await eventually(() => expect(seen).toHaveLength(1), { timeoutMs: waitMs });
    });

    it("converges to what the origins last announced, for any interleaving of their calls", async () => {
      const origins = [await client("node-a"), await client("node-b"), await client("node-c")];
      const watcher = await client("node-w");
      let vni = 1000;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ origin: fc.nat(2), announce: fc.boolean(), route: fc.nat(3) }), {
            minLength: 1,
            maxLength: 25,
          }),
          async (ops) => {
            vni++;
            await watcher.subscribe(vni);
            const routes = [0, 1, 2, 3].map((i) =>
              i === 3 ? nat(vni, "192.0.2.1/32", "fd00::1", 0, 99) : std(vni, `10.0.0.${i}/32`, "fd00::1"),
            );
            const state = origins.map(() => new Set<number>());
            await Promise.all(
              ops.map(({ origin, announce, route }) => {
                const o = origins[origin]!;
                if (announce) state[origin]!.add(route);
                else state[origin]!.delete(route);
                return announce ? o.announce(routes[route]!) : o.withdraw(routes[route]!);
              }),
            );
            for (const o of origins) await barrier(o, watcher, vni);
            const expected = new Set(state.flatMap((s) => [...s].map((i) => routeKey(routes[i]!))));
            expect(keysOf(watcher.routes(vni))).toEqual([...expected].sort());
            await watcher.unsubscribe(vni);
          },
        ),
        { numRuns: 8 },
      );
    });

    // NATS covers this with its own server process (natsRouteBus.test.ts), not the shared one.
    if (options.canRestartServer)
      it("re-syncs after a server restart without losing routes or repeating adds", async () => {
        const a = await client("node-a");
        const c = await client("node-c");
        await c.subscribe(110);
        const events = recordEvents(c);
        const before = [std(110, "10.0.0.1/32", "fd00::a"), nat(110, "192.0.2.1/32", "fd00::a", 0, 99)];
        for (const r of before) await a.announce(r);
        await eventually(() => expect(c.routes(110)).toHaveLength(2), { timeoutMs: waitMs });

        await harness.restartServer?.();
        const after = std(110, "10.0.0.2/32", "fd00::a");
        await a.announce(after);
        await eventually(() => expect(keysOf(c.routes(110))).toEqual(keysOf([...before, after])), {
          timeoutMs: 20_000,
        });
        expect(events.sort()).toEqual(keysOf([...before, after]).map((k) => `+${k}`));
      });

    it("ignores a dead origin's stored leftovers at a late subscriber even when nothing reaped them", async () => {
      const a = await client("node-a", { keepaliveMs: 300 });
      const c = await client("node-c");
      await c.subscribe(120);
      await a.announce(std(120, "10.0.0.1/32", "fd00::a"));
      await eventually(() => expect(c.routes(120)).toHaveLength(1), { timeoutMs: waitMs });
      await harness.kill(a);
      await eventually(() => expect(c.routes(120)).toEqual([]), { timeoutMs: waitMs });
      const late = await client("node-d");
      const events = recordEvents(late);
      await late.subscribe(120);
      expect(late.stats().receivedEntries).toBe(1);
      expect(late.routes(120)).toEqual([]);
      expect(events).toEqual([]);
    });

    describe("RouteReflector", () => {
      it("holds every VNI's table from all origins and prints it like metalbond's routes.json", async () => {
        const a = await client("node-a");
        const b = await client("node-b");
        await a.announce(std(7, "10.0.0.1/32", "fd00::a"));
        await b.announce(std(7, "10.0.0.1/32", "fd00::b"));
        await b.announce(nat(8, "192.0.2.1/32", "fd00::b", 1024, 2047));
        const reflector = await startReflector();
        expect(reflector.vnis()).toEqual([7, 8]);
        expect(keysOf(reflector.list(7))).toEqual(
          keysOf([std(7, "10.0.0.1/32", "fd00::a"), std(7, "10.0.0.1/32", "fd00::b")]),
        );
        const json = reflector.toRoutesJson(new Date(2026, 0, 2, 3, 4, 5));
        expect(json.date).toBe("2026-01-02 03:04:05");
        expect(json.metalbondVersion).toMatch(/routebus/);
        expect(json.vnet).toEqual({
          "7": {
            '{"IPVersion":4,"Prefix":"10.0.0.1/32"}': [
              { TargetAddress: "fd00::a", TargetVNI: 0, Type: 0, NATPortRangeFrom: 0, NATPortRangeTo: 0 },
              { TargetAddress: "fd00::b", TargetVNI: 0, Type: 0, NATPortRangeFrom: 0, NATPortRangeTo: 0 },
            ],
          },
          "8": {
            '{"IPVersion":4,"Prefix":"192.0.2.1/32"}': [
              {
                TargetAddress: "fd00::b",
                TargetVNI: 0,
                Type: 1,
                NATPortRangeFrom: 1024,
                NATPortRangeTo: 2047,
              },
            ],
          },
        });
      });

      it("streams the table, then adds and removes, until aborted", async () => {
        const a = await client("node-a");
        await a.announce(std(7, "10.0.0.1/32", "fd00::a"));
        const reflector = await startReflector();
        const abort = new AbortController();
        const seen: string[] = [];
        const done = (async () => {
          for await (const event of reflector.watch({ signal: abort.signal })) {
            seen.push(`${event.type} ${routeKey(event.route)}`);
          }
        })();
        await eventually(() => expect(seen).toHaveLength(1), { timeoutMs: waitMs });
        await a.announce(std(7, "10.0.0.2/32", "fd00::a"));
        await a.withdraw(std(7, "10.0.0.1/32", "fd00::a"));
        await eventually(() => expect(seen).toHaveLength(3), { timeoutMs: waitMs });
        abort.abort();
        await done;
        expect(seen).toEqual([
          `add ${routeKey(std(7, "10.0.0.1/32", "fd00::a"))}`,
          `add ${routeKey(std(7, "10.0.0.2/32", "fd00::a"))}`,
          `remove ${routeKey(std(7, "10.0.0.1/32", "fd00::a"))}`,
        ]);
        expect(reflector.stats().watchers).toBe(0);
      });

      it("reaps a dead origin's routes from storage, so newcomers do not even receive them", async () => {
        const reflector = await startReflector({ startupGraceMs: 0, sweepIntervalMs: 200 });
        const a = await client("node-a", { keepaliveMs: 300 });
        const b = await client("node-b");
        await a.announce(std(7, "10.0.0.1/32", "fd00::a"));
        await a.announce(std(8, "10.0.0.1/32", "fd00::a"));
        await b.announce(std(7, "10.0.0.2/32", "fd00::b"));
        await eventually(() => expect(reflector.list()).toHaveLength(3), { timeoutMs: waitMs });
        await harness.kill(a);
        await eventually(
          () => expect(keysOf(reflector.list())).toEqual(keysOf([std(7, "10.0.0.2/32", "fd00::b")])),
          {
            timeoutMs: waitMs,
          },
        );
        await eventually(
          () => {
            expect(reflector.stats().reapedEntries).toBe(2);
            expect(reflector.stats().receivedEntries).toBe(1);
          },
          { timeoutMs: waitMs },
        );
        const late = await client("node-d");
        await late.subscribe(7);
        await late.subscribe(8);
        expect(late.stats().receivedEntries).toBe(1);
      });

      it("shows the same table after its own restart", async () => {
        const a = await client("node-a");
        const b = await client("node-b");
        for (let i = 0; i < 20; i++)
          await (i % 2 ? a : b).announce(std(5 + (i % 3), `10.0.0.${i}/32`, "fd00::1"));
        const first = await startReflector();
        const table = keysOf(first.list());
        expect(table).toHaveLength(20);
        await first.close();
        const second = await startReflector();
        expect(keysOf(second.list())).toEqual(table);
      });
    });
  });
}
