import { existsSync } from "node:fs";
import { eventually, natsService, uniquePrefix } from "@ironcore-ts/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { decodeRoute } from "./codec.js";
import { deleteNatsRouteBus } from "./natsAdmin.js";
import { NatsRouteBus } from "./natsRouteBus.js";
import { NatsServerProcess, natsServerBinary } from "./natsServerProcess.js";
import { decodeHeartbeat } from "./originSession.js";
import { normalizeRoute, routeKey } from "./route.js";
import {
  barrier,
  describeRouteBusConformance,
  keysOf,
  nat,
  type RouteBusHarness,
  recordEvents,
  std,
} from "./routeBusConformance.js";
import { RouteReflector } from "./routeReflector.js";
import type { StoreRouteBus } from "./storeRouteBus.js";
import { busNames } from "./subjects.js";

const nats = await natsService();
const logger = pino({ level: "silent" });

/** A bucket namespace of our own per test (KV bucket names allow [-_A-Za-z0-9]). */
function freshNamespace(): string {
  return uniquePrefix("rb")
    .replace(/[^-_A-Za-z0-9]/g, "-")
    .replace(/-+$/, "");
}

function deleteBuckets(connection: NatsConnection, namespace: string): Promise<void> {
  return deleteNatsRouteBus({ connection, namespace });
}

let reflectors = 0;

function natsHarness(url: string, namespace: string, admin: NatsConnection | undefined): RouteBusHarness {
  return {
    client: async (origin, options = {}) => {
      const client = new NatsRouteBus({
        origin,
        servers: url,
        namespace,
        logger,
        keepaliveMs: options.keepaliveMs,
      });
      await client.connect();
      return client;
    },
    kill: async (client: StoreRouteBus) => {
      // The process dies: its connection goes away without a single withdrawal.
      if (client instanceof NatsRouteBus) await client.connection?.close();
    },
    reflector: async (options = {}) => {
      const bus = new NatsRouteBus({ origin: `reflector-${++reflectors}`, servers: url, namespace, logger });
      const reflector = new RouteReflector({ ...options, bus, logger });
      await reflector.start();
      return reflector;
    },
    cleanup: async () => {
      if (admin) await deleteBuckets(admin, namespace);
    },
  };
}

describe.skipIf(!nats)("NatsRouteBus", () => {
  const url = nats?.url ?? "";
  const adminConnection = nats ? connect({ servers: url }) : undefined;

  afterAll(async () => {
    await (await adminConnection)?.close();
    await nats?.stop();
  });

  describeRouteBusConformance("NatsRouteBus", async () =>
    natsHarness(url, freshNamespace(), await adminConnection),
  );

  describe("on the shared server", () => {
    const namespace = freshNamespace();
    const opened: StoreRouteBus[] = [];

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((c) => c.close()));
      const admin = await adminConnection;
      if (admin) await deleteBuckets(admin, namespace);
    });

    it("stores one small KV entry per route and a heartbeat per origin, in the documented layout", async () => {
      const a = new NatsRouteBus({ origin: "node-a.example", servers: url, namespace, logger });
      opened.push(a);
      await a.connect();
      const route = nat(5, "192.0.2.1/32", "fd00::a", 1024, 2047);
      await a.announce(route);

      const admin = await adminConnection;
      if (!admin) throw new Error("no admin connection");
      const kvm = new Kvm(admin);
      const routes = await kvm.open(busNames(namespace).routesBucket);
      // The stream's subject list, rather than kv.keys() (which can wait for a 30 s idle heartbeat).
      const bucket = busNames(namespace).routesBucket;
      const info = await (await jetstreamManager(admin)).streams.info(`KV_${bucket}`, {
        subjects_filter: ">",
      });
      const keys = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(`$KV.${bucket}.`.length));
      expect(keys).toHaveLength(1);
      const [vni, origin, session, token] = (keys[0] ?? "").split(".");
      expect([vni, origin, session]).toEqual(["5", "node-a_2eexample", a.sessionId]);
      expect(token).toMatch(/^[-_A-Za-z0-9]+$/);
      const entry = await routes.get(keys[0] ?? "");
      expect(entry?.value.length).toBe(35);
      expect(decodeRoute(entry?.value ?? new Uint8Array())).toEqual(normalizeRoute(route));

      const sessions = await kvm.open(busNames(namespace).sessionsBucket);
      const hb = await sessions.get("node-a_2eexample");
      expect(hb && decodeHeartbeat(hb.value)).toEqual({
        session: a.sessionId,
        startedAt: expect.any(Number),
        keepaliveMs: 1000,
      });
    });
  });

  // Needs the nats-server binary to run a server of its own; CI (REQUIRE_SERVICES) must have it.
  const haveBinary = existsSync(natsServerBinary) || Boolean(process.env.REQUIRE_SERVICES);
  describe.skipIf(!haveBinary)("across restarts of a private nats-server", () => {
    let server: NatsServerProcess;
    const opened: Array<{ close(): Promise<void> }> = [];

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((c) => c.close()));
      await server?.stop();
    });

    async function client(origin: string): Promise<NatsRouteBus> {
      const c = new NatsRouteBus({ origin, servers: server.url, logger });
      opened.push(c);
      await c.connect();
      return c;
    }

    it("re-syncs a subscriber after NATS restarts: nothing lost, nothing removed, no repeated adds", async () => {
      server = await NatsServerProcess.start();
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(1);
      const events = recordEvents(c);
      const before = Array.from({ length: 50 }, (_, i) => std(1, `10.0.${i >> 8}.${i & 255}/32`, "fd00::a"));
      await Promise.all(before.map((r) => a.announce(r)));
      await eventually(() => expect(c.routes(1)).toHaveLength(50), { timeoutMs: 10_000 });

      await server.restart();
      const gone = before[0];
      const added = std(1, "10.1.0.1/32", "fd00::a");
      if (!gone) throw new Error("no route");
      await a.withdraw(gone);
      await a.announce(added);
      const expected = keysOf([...before.slice(1), added]);
      await eventually(() => expect(keysOf(c.routes(1))).toEqual(expected), { timeoutMs: 20_000 });
      await barrier(a, c, 1);
      const real = events.filter((e) => !e.includes("198.51."));
      expect(real.filter((e) => e.startsWith("-"))).toEqual([`-${routeKey(gone)}`]);
      expect(real.filter((e) => e.startsWith("+")).sort()).toEqual(
        keysOf([...before, added]).map((k) => `+${k}`),
      );
      expect(c.stats().connected).toBe(true);
    });

    it("stores routes announced while NATS is down once it is back", async () => {
      server = await NatsServerProcess.start();
      const a = await client("node-a");
      const c = await client("node-c");
      await c.subscribe(2);
      await server.kill();
      const stored = a.announce(std(2, "10.0.0.1/32", "fd00::a"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await server.restart(0);
      await stored;
      await eventually(() => expect(c.routes(2)).toHaveLength(1), { timeoutMs: 20_000 });
    });

    it("gives the RouteReflector the same table after a NATS restart and after its own restart", async () => {
      server = await NatsServerProcess.start();
      const a = await client("node-a");
      const b = await client("node-b");
      for (let i = 0; i < 30; i++)
        await (i % 2 ? a : b).announce(std(3 + (i % 4), `10.0.0.${i}/32`, "fd00::1"));
      const start = async () => {
        const bus = new NatsRouteBus({ origin: `reflector-${++reflectors}`, servers: server.url, logger });
        const reflector = new RouteReflector({ bus, logger });
        opened.push(reflector);
        await reflector.start();
        return reflector;
      };
      const first = await start();
      const table = keysOf(first.list());
      expect(table).toHaveLength(30);

      const watched: string[] = [];
      const abort = new AbortController();
      const watching = (async () => {
        for await (const e of first.watch({ signal: abort.signal, replay: false })) watched.push(e.type);
      })();

      await server.restart();
      // Announced after the restart, so seeing it proves the reflector is live again.
      const later = std(3, "10.0.1.1/32", "fd00::2");
      await b.announce(later);
      const expected = [...table, routeKey(later)].sort();
      await eventually(() => expect(keysOf(first.list())).toEqual(expected), { timeoutMs: 20_000 });
      abort.abort();
      await watching;
      expect(watched).toEqual(["add"]);

      await first.close();
      const second = await start();
      expect(keysOf(second.list())).toEqual(expected);
    });
  });
});
