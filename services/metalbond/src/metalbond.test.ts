import { Code, ConnectError } from "@connectrpc/connect";
import { MemoryRouteBus, MemoryRouteHub } from "@ironcore-ts/routebus";
import { EnvConfig } from "@ironcore-ts/runtime";
import { eventually } from "@ironcore-ts/testing";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { type RunningMetalbond, startMetalbond } from "./startMetalbond.js";
import {
  describeRoute,
  type MetalbondClient,
  metalbondClient,
  nat,
  routesJson,
  silentLogger,
  std,
  WatchRecorder,
} from "./testSupport.js";

const keepaliveMs = 200;

/** A metalbond and clients on a private in-process hub (the embedded default's bus). */
async function setup() {
  const hub = new MemoryRouteHub();
  const mb = await startMetalbond({
    logger: silentLogger,
    grpc: { host: "127.0.0.1", port: 0 },
    http: { host: "127.0.0.1", port: 0 },
    bus: { kind: "memory", hub },
    keepaliveMs,
    shutdownTimeoutMs: 1000,
  });
  opened.push(mb);
  const client = async (origin: string) => {
    const bus = new MemoryRouteBus({ origin, hub, keepaliveMs, logger: silentLogger });
    opened.push(bus);
    await bus.connect();
    return bus;
  };
  return { hub, mb, api: metalbondClient(mb.grpcPort), client };
}

const opened: Array<RunningMetalbond | MemoryRouteBus> = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((o) => ("stop" in o ? o.stop() : o.close())));
});

async function listed(api: MetalbondClient, vni = 0): Promise<string[]> {
  const res = await api.listRoutes({ vni });
  return res.routes.map((r) => `${describeRoute(r)} [${r.origins.join(",")}]`);
}

describe("metalbond on the in-process bus", () => {
  it("lists what two nodes announce, with origins, per VNI or all, sorted by VNI", async () => {
    const { api, client } = await setup();
    const a = await client("node-1");
    const b = await client("node-2");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::d0:0:0:1"));
    await b.announce(std(100, "10.0.0.2/32", "fc00:2::d0:0:0:1"));
    await b.announce(nat(20, "192.0.2.1/32", "fc00:2::d0:0:0:2", 1024, 2047));
    // The same route from both nodes is one route with two origins.
    await a.announce(std(100, "0.0.0.0/0", "fc00:ff::1"));
    await b.announce(std(100, "0.0.0.0/0", "fc00:ff::1"));

    await eventually(async () =>
      expect(await listed(api)).toEqual([
        "20 192.0.2.1/32 -> fc00:2::d0:0:0:2 NAT 1024-2047 [node-2]",
        "100 0.0.0.0/0 -> fc00:ff::1 STANDARD [node-1,node-2]",
        "100 10.0.0.1/32 -> fc00:1::d0:0:0:1 STANDARD [node-1]",
        "100 10.0.0.2/32 -> fc00:2::d0:0:0:1 STANDARD [node-2]",
      ]),
    );
    expect(await listed(api, 20)).toEqual(["20 192.0.2.1/32 -> fc00:2::d0:0:0:2 NAT 1024-2047 [node-2]"]);
    expect(await listed(api, 7)).toEqual([]);

    // A withdrawal by one of two origins keeps the route; by the last one removes it.
    await a.withdraw(std(100, "0.0.0.0/0", "fc00:ff::1"));
    await eventually(async () =>
      expect(await listed(api, 100)).toContain("100 0.0.0.0/0 -> fc00:ff::1 STANDARD [node-2]"),
    );
    await b.withdraw(std(100, "0.0.0.0/0", "fc00:ff::1"));
    await eventually(async () => expect(await listed(api, 100)).toHaveLength(2));
  });

  it("answers GET /routes.json in upstream's shape", async () => {
    const { mb, client } = await setup();
    const a = await client("node-1");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await a.announce(nat(100, "192.0.2.1/32", "fc00:1::2", 100, 199));
    await eventually(async () => expect(Object.keys((await routesJson(mb.httpPort)).vnet)).toEqual(["100"]));
    const json = await routesJson(mb.httpPort);
    expect(json.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(json.vnet).toEqual({
      "100": {
        '{"IPVersion":4,"Prefix":"10.0.0.1/32"}': [
          { TargetAddress: "fc00:1::1", TargetVNI: 0, Type: 0, NATPortRangeFrom: 0, NATPortRangeTo: 0 },
        ],
        '{"IPVersion":4,"Prefix":"192.0.2.1/32"}': [
          { TargetAddress: "fc00:1::2", TargetVNI: 0, Type: 1, NATPortRangeFrom: 100, NATPortRangeTo: 199 },
        ],
      },
    });
    expect(typeof json.metalbondVersion).toBe("string");
    const post = await fetch(`http://127.0.0.1:${mb.httpPort}/routes.json`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("streams the table, SYNCED, then adds and removes; a VNI filter keeps other VNIs out", async () => {
    const { api, client } = await setup();
    const a = await client("node-1");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await eventually(async () => expect(await listed(api)).toHaveLength(1));

    const all = new WatchRecorder(api);
    const only200 = new WatchRecorder(api, { vni: 200 });
    const changes = new WatchRecorder(api, { changesOnly: true });
    await eventually(() => {
      for (const w of [all, only200, changes]) expect(w.events).toContain("SYNCED");
    });
    expect(all.events).toEqual(["ADDED 100 10.0.0.1/32 -> fc00:1::1 STANDARD", "SYNCED"]);
    expect(only200.events).toEqual(["SYNCED"]);
    expect(changes.events).toEqual(["SYNCED"]);

    await a.announce(std(200, "10.0.0.1/32", "fc00:1::5"));
    await a.withdraw(std(100, "10.0.0.1/32", "fc00:1::1"));
    const expected = [
      "ADDED 200 10.0.0.1/32 -> fc00:1::5 STANDARD",
      "REMOVED 100 10.0.0.1/32 -> fc00:1::1 STANDARD",
    ];
    await eventually(() => expect(all.live).toEqual(expected));
    await eventually(() => expect(changes.live).toEqual(expected));
    await eventually(() => expect(only200.live).toEqual(["ADDED 200 10.0.0.1/32 -> fc00:1::5 STANDARD"]));
    for (const w of [all, only200, changes]) await w.stop();
    for (const w of [all, only200, changes]) expect(w.error).toBeUndefined();
    // Cancelled streams leave nothing behind.
    await eventually(async () => expect((await api.getStats({})).watchers).toBe(0));
  });

  it("removes a crashed node's routes within 3 keepalive intervals, and Watch reports it", async () => {
    const { hub, api, client } = await setup();
    const a = await client("node-1");
    const b = await client("node-2");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await b.announce(std(100, "10.0.0.2/32", "fc00:2::1"));
    await eventually(async () => expect(await listed(api)).toHaveLength(2));
    const watch = new WatchRecorder(api, { changesOnly: true });
    await eventually(() => expect(watch.events).toEqual(["SYNCED"]));

    const killedAt = Date.now();
    hub.crash(b);
    await eventually(
      async () => expect(await listed(api)).toEqual(["100 10.0.0.1/32 -> fc00:1::1 STANDARD [node-1]"]),
      {
        timeoutMs: 3 * keepaliveMs + 2000,
      },
    );
    expect(Date.now() - killedAt).toBeLessThan(3 * keepaliveMs + 2000);
    await eventually(() => expect(watch.live).toEqual(["REMOVED 100 10.0.0.2/32 -> fc00:2::1 STANDARD"]));
    await watch.stop();
  });

  it("reports routes per VNI and origins with heartbeat and liveness", async () => {
    const { hub, api, client } = await setup();
    const a = await client("node-1");
    const b = await client("node-2");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await a.announce(std(200, "10.0.0.1/32", "fc00:1::2"));
    await b.announce(std(100, "10.0.0.2/32", "fc00:2::1"));
    await eventually(async () => expect((await api.getStats({})).routes).toBe(3));
    const stats = await api.getStats({});
    expect(stats.vnis.map((v) => [v.vni, v.routes])).toEqual([
      [100, 2],
      [200, 1],
    ]);
    expect(stats.bus).toBe("memory");
    expect(stats.busConnected).toBe(true);
    expect([stats.keepaliveMs, stats.missedKeepalives]).toEqual([keepaliveMs, 2.5]);
    const nodes = stats.origins.filter((o) => o.origin.startsWith("node-"));
    expect(nodes.map((o) => [o.origin, o.live, o.routes, o.keepaliveMs])).toEqual([
      ["node-1", true, 2, keepaliveMs],
      ["node-2", true, 1, keepaliveMs],
    ]);
    for (const o of nodes) {
      const ms = Number(o.lastHeartbeat?.seconds) * 1000 + (o.lastHeartbeat?.nanos ?? 0) / 1e6;
      expect(Math.abs(Date.now() - ms)).toBeLessThan(60_000);
      expect(o.session).not.toBe("");
    }

    hub.crash(b);
    await eventually(async () => {
      const after = await api.getStats({});
      expect(after.origins.find((o) => o.origin === "node-2")?.live ?? false).toBe(false);
      expect(after.routes).toBe(2);
    });
  });

  it("rejects a VNI beyond 24 bits", async () => {
    const { api } = await setup();
    const err = await api.listRoutes({ vni: 0x1000000 }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.InvalidArgument);
  });

  it("exposes routes per VNI, origins and add/remove counts on /metrics", async () => {
    const { mb, client } = await setup();
    const a = await client("node-1");
    await a.announce(std(100, "10.0.0.1/32", "fc00:1::1"));
    await a.announce(std(100, "10.0.0.2/32", "fc00:1::1"));
    await eventually(() => expect(mb.reflector.list()).toHaveLength(2));
    await a.withdraw(std(100, "10.0.0.2/32", "fc00:1::1"));
    await eventually(() => expect(mb.reflector.list()).toHaveLength(1));
    const text = await (await fetch(`http://127.0.0.1:${mb.httpPort}/metrics`)).text();
    expect(text).toContain('metalbond_routes{vni="100"} 1');
    expect(text).toMatch(/metalbond_origins\{state="live"\} [1-9]/);
    expect(text).toContain("metalbond_route_adds_total 2");
    expect(text).toContain("metalbond_route_removes_total 1");
    expect(text).toContain("metalbond_bus_connected 1");
    expect(text).toContain("grpc_server_handled_total");
  });
});

describe("loadConfig", () => {
  it("defaults to upstream's ports and NATS on loopback", () => {
    const c = loadConfig(new EnvConfig({}));
    expect([c.grpc.port, c.http.port, c.keepaliveMs, c.missedKeepalives]).toEqual([4711, 4712, 3000, 2.5]);
    expect(c.bus).toEqual({ kind: "nats", servers: ["127.0.0.1:4222"], namespace: "routebus" });
  });

  it("reads the bus, ports and keepalive from the environment", () => {
    const c = loadConfig(
      new EnvConfig({
        METALBOND_PORT: "14711",
        METALBOND_HTTP_PORT: "0",
        METALBOND_BUS: "memory",
        METALBOND_KEEPALIVE: "5s",
        METALBOND_ORIGIN: "mb-a",
      }),
    );
    expect([c.grpc.port, c.http.port, c.keepaliveMs, c.origin]).toEqual([14711, 0, 5000, "mb-a"]);
    expect(c.bus).toEqual({ kind: "memory" });
    const n = loadConfig(
      new EnvConfig({ NATS_URL: "nats://a:4222,nats://b:4222", METALBOND_NAMESPACE: "x" }),
    );
    expect(n.bus).toEqual({ kind: "nats", servers: ["nats://a:4222", "nats://b:4222"], namespace: "x" });
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig(new EnvConfig({ METALBOND_BUS: "kafka" }))).toThrow(/METALBOND_BUS/);
    expect(() => loadConfig(new EnvConfig({ METALBOND_KEEPALIVE: "soon" }))).toThrow(/METALBOND_KEEPALIVE/);
    expect(() => loadConfig(new EnvConfig({ METALBOND_NAMESPACE: "a.b" }))).toThrow(/METALBOND_NAMESPACE/);
  });
});
