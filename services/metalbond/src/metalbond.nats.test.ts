import { existsSync } from "node:fs";
import { deleteNatsRouteBus, NatsRouteBus, type Route, routeKey } from "@ironcore-ts/routebus";
import { eventually, natsService, uniquePrefix } from "@ironcore-ts/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
// The routebus tests' private nats-server (not part of the package API): restart tests must never
// restart the shared server.
import { NatsServerProcess, natsServerBinary } from "../../../libs/routebus/src/natsServerProcess.js";
import { type RunningMetalbond, startMetalbond } from "./startMetalbond.js";
import {
  describeRoute,
  type MetalbondClient,
  metalbondClient,
  routesJson,
  silentLogger,
  std,
  WatchRecorder,
} from "./testSupport.js";

const nats = await natsService();
/** The nodes' keepalive: a killed node must be gone everywhere within 3 of these. */
const keepaliveMs = 1000;
/** Scheduling and delivery on a loaded test machine, on top of the 3 intervals. */
const slackMs = 2000;

function freshNamespace(): string {
  return uniquePrefix("mb")
    .replace(/[^-_A-Za-z0-9]/g, "-")
    .replace(/-+$/, "");
}

async function listed(api: MetalbondClient, vni = 0): Promise<string[]> {
  return (await api.listRoutes({ vni })).routes.map((r) => `${describeRoute(r)} [${r.origins.join(",")}]`);
}

const keys = (routes: Route[]) => routes.map(routeKey).sort();

/** Metalbonds and bus clients of one test on one NATS server and namespace, all closed afterwards. */
function world(url: () => string, namespace: string) {
  const opened: Array<{ close(): Promise<void> } | RunningMetalbond> = [];
  return {
    async metalbond(origin = "metalbond-0") {
      const mb = await startMetalbond({
        logger: silentLogger,
        grpc: { host: "127.0.0.1", port: 0 },
        http: { host: "127.0.0.1", port: 0 },
        bus: { kind: "nats", servers: url(), namespace },
        origin,
        keepaliveMs,
        shutdownTimeoutMs: 1000,
      });
      opened.push(mb);
      return { mb, api: metalbondClient(mb.grpcPort) };
    },
    async client(origin: string) {
      const bus = new NatsRouteBus({ origin, servers: url(), namespace, keepaliveMs, logger: silentLogger });
      opened.push(bus);
      await bus.connect();
      return bus;
    },
    async close() {
      await Promise.allSettled(opened.splice(0).map((o) => ("stop" in o ? o.stop() : o.close())));
    },
  };
}

describe.skipIf(!nats)("metalbond on NATS", () => {
  const url = nats?.url ?? "";
  const namespace = freshNamespace();
  const w = world(() => url, namespace);

  afterEach(async () => {
    await w.close();
    await deleteNatsRouteBus({ servers: url, namespace });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it("serves what two nodes announce over gRPC and GET /routes.json, and who subscribes", async () => {
    const { mb, api } = await w.metalbond();
    const a = await w.client("node-1");
    const b = await w.client("node-2");
    await b.subscribe(100);
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::d0:0:0:1"));
    await b.announce(std(100, "10.0.0.2/32", "fc00:2::d0:0:0:1"));
    await b.announce(std(200, "10.0.0.2/32", "fc00:2::d0:0:0:2"));

    await eventually(async () =>
      expect(await listed(api)).toEqual([
        "100 10.0.0.1/32 -> fc00:1::d0:0:0:1 STANDARD [node-1]",
        "100 10.0.0.2/32 -> fc00:2::d0:0:0:1 STANDARD [node-2]",
        "200 10.0.0.2/32 -> fc00:2::d0:0:0:2 STANDARD [node-2]",
      ]),
    );
    const json = await routesJson(mb.httpPort);
    expect(Object.keys(json.vnet).sort()).toEqual(["100", "200"]);
    expect(Object.keys(json.vnet["100"] ?? {}).sort()).toEqual([
      '{"IPVersion":4,"Prefix":"10.0.0.1/32"}',
      '{"IPVersion":4,"Prefix":"10.0.0.2/32"}',
    ]);
    expect(json.vnet["100"]?.['{"IPVersion":4,"Prefix":"10.0.0.1/32"}']?.[0]?.TargetAddress).toBe(
      "fc00:1::d0:0:0:1",
    );

    await eventually(async () => {
      const stats = await api.getStats({});
      expect(stats.bus).toBe("nats");
      expect(stats.busConnected).toBe(true);
      expect(stats.vnis.map((v) => [v.vni, v.routes, v.subscribers])).toEqual([
        [100, 2, 1],
        [200, 1, 0],
      ]);
      // This metalbond's own subscription to every VNI.
      expect(stats.allVniSubscribers).toBeGreaterThanOrEqual(1);
      expect(
        stats.origins.filter((o) => o.origin.startsWith("node-")).map((o) => [o.origin, o.live, o.routes]),
      ).toEqual([
        ["node-1", true, 1],
        ["node-2", true, 2],
      ]);
    });
  });

  it("streams adds and removes to a Watch", async () => {
    const { api } = await w.metalbond();
    const a = await w.client("node-1");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await eventually(async () => expect(await listed(api)).toHaveLength(1));
    const watch = new WatchRecorder(api, { vni: 100 });
    await eventually(() =>
      expect(watch.events).toEqual(["ADDED 100 10.0.0.1/32 -> fc00:1::1 STANDARD", "SYNCED"]),
    );
    await a.announce(std(100, "10.0.0.3/32", "fc00:1::1"));
    await a.announce(std(300, "10.0.0.3/32", "fc00:1::1"));
    await a.withdraw(std(100, "10.0.0.1/32", "fc00:1::1"));
    await eventually(() =>
      expect(watch.live).toEqual([
        "ADDED 100 10.0.0.3/32 -> fc00:1::1 STANDARD",
        "REMOVED 100 10.0.0.1/32 -> fc00:1::1 STANDARD",
      ]),
    );
    await watch.stop();
    expect(watch.error).toBeUndefined();
  });

  it("withdraws a killed node's routes from ListRoutes and from another subscriber within 3 keepalive intervals", async () => {
    const { api } = await w.metalbond();
    const a = await w.client("node-1");
    const b = await w.client("node-2");
    const c = await w.client("node-3");
    await c.subscribe(100);
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await b.announce(std(100, "10.0.0.2/32", "fc00:2::1"));
    await b.announce(std(100, "10.0.0.22/32", "fc00:2::1"));
    await eventually(async () => expect(await listed(api)).toHaveLength(3));
    await eventually(() => expect(c.routes(100)).toHaveLength(3));

    // The node dies: its NATS connection goes away without a single withdrawal.
    const killedAt = Date.now();
    await b.connection?.close();
    const bound = 3 * keepaliveMs + slackMs;
    const goneAtMetalbond = eventually(
      async () => {
        expect(await listed(api)).toEqual(["100 10.0.0.1/32 -> fc00:1::1 STANDARD [node-1]"]);
        return Date.now() - killedAt;
      },
      { timeoutMs: bound },
    );
    const goneAtSubscriber = eventually(
      () => {
        expect(keys(c.routes(100))).toEqual(keys([std(100, "10.0.0.1/32", "fc00:1::1")]));
        return Date.now() - killedAt;
      },
      { timeoutMs: bound, intervalMs: 10 },
    );
    const [atMetalbond, atSubscriber] = await Promise.all([goneAtMetalbond, goneAtSubscriber]);
    expect(atMetalbond).toBeLessThanOrEqual(bound);
    expect(atSubscriber).toBeLessThanOrEqual(bound);
  });

  it("gives a late subscriber the full table, and a restarted metalbond the same table", async () => {
    const first = await w.metalbond("metalbond-a");
    const a = await w.client("node-1");
    const b = await w.client("node-2");
    const announced = [
      ...Array.from({ length: 20 }, (_, i) => std(100, `10.0.0.${i + 1}/32`, "fc00:1::1")),
      ...Array.from({ length: 20 }, (_, i) => std(100, `10.0.1.${i + 1}/32`, "fc00:2::1")),
      std(200, "10.0.0.1/32", "fc00:2::7"),
    ];
    for (const r of announced) await (r.nextHop.targetAddress === "fc00:1::1" ? a : b).announce(r);
    await eventually(async () => expect(await listed(first.api)).toHaveLength(announced.length));
    const table = await listed(first.api);

    // A node that starts now gets every route of the VNI from every origin before subscribe() resolves.
    const late = await w.client("node-late");
    await late.subscribe(100);
    expect(keys(late.routes(100))).toEqual(keys(announced.filter((r) => r.vni === 100)));

    await first.mb.stop();
    const second = await w.metalbond("metalbond-a");
    expect(await listed(second.api)).toEqual(table);
    const json = await routesJson(second.mb.httpPort);
    expect(Object.keys(json.vnet["100"] ?? {})).toHaveLength(40);
  });
});

// Needs the nats-server binary to run a server of its own; CI (REQUIRE_SERVICES) must have it.
const haveBinary = existsSync(natsServerBinary) || Boolean(process.env.REQUIRE_SERVICES);
describe.skipIf(!haveBinary)("metalbond across a restart of its own nats-server", () => {
  let server: NatsServerProcess | undefined;
  const w = world(() => server?.url ?? "", "routebus");

  afterEach(async () => {
    await w.close();
    await server?.stop();
  });

  it("loses nothing: the same table after the reconnect, and new announcements flow", async () => {
    server = await NatsServerProcess.start();
    const { api } = await w.metalbond();
    const a = await w.client("node-1");
    const b = await w.client("node-2");
    await b.subscribe(100);
    const removedAtB: string[] = [];
    b.onRemove((r) => removedAtB.push(routeKey(r)));
    for (let i = 1; i <= 10; i++) await a.announce(std(100, `10.0.0.${i}/32`, "fc00:1::1"));
    await b.announce(std(100, "10.0.2.1/32", "fc00:2::1"));
    await eventually(async () => expect(await listed(api)).toHaveLength(11));
    await eventually(() => expect(b.routes(100)).toHaveLength(10));
    const table = await listed(api);
    const watch = new WatchRecorder(api, { changesOnly: true });
    await eventually(() => expect(watch.events).toEqual(["SYNCED"]));

    await server.restart();

    // Announced after the restart: seeing it at the metalbond and at node-2 proves both are live again.
    await a.announce(std(100, "10.0.0.99/32", "fc00:1::1"));
    await eventually(
      async () => expect(await listed(api)).toContain("100 10.0.0.99/32 -> fc00:1::1 STANDARD [node-1]"),
      {
        timeoutMs: 20_000,
      },
    );
    await eventually(() => expect(b.routes(100)).toHaveLength(11), { timeoutMs: 20_000 });
    expect((await listed(api)).filter((r) => !r.includes("10.0.0.99/"))).toEqual(table);
    expect(removedAtB).toEqual([]);
    // The Watch stream stayed open across the outage and saw exactly the one change.
    await eventually(() => expect(watch.live).toEqual(["ADDED 100 10.0.0.99/32 -> fc00:1::1 STANDARD"]));
    expect(watch.error).toBeUndefined();
    expect((await api.getStats({})).busConnected).toBe(true);
    await watch.stop();
  });
});
