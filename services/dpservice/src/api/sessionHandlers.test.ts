import * as grpc from "@grpc/grpc-js";
import { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { parseIpv6 } from "@ironcore-ts/packet";
import { afterEach, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import type { DpdkMethod } from "../testing/dpdkTestClient.js";
import { ipv4, ipv6, prefix, t } from "../testing/dpdkTestClient.js";
import { startTestDpservice, type TestDpservice, VM1, VM3 } from "../testing/dpserviceFixture.js";
import { DPSERVICE_VERSION } from "../version.js";

let dp: TestDpservice | undefined;
afterEach(async () => {
  await dp?.stop();
  dp = undefined;
});

describe("before Initialize", () => {
  it("answers ABORTED 'not initialized' to every RPC but Initialize and CheckInitialized", async () => {
    dp = await startTestDpservice({ initialize: false, withVms: false });
    const methods = DPDKironcore.methods.map((m) => m.localName as DpdkMethod);
    expect(methods).toHaveLength(42);
    for (const method of methods.filter((m) => m !== "initialize")) {
      const err = await dp.client.failure(method, {});
      expect({ method, code: err.code, details: err.details }).toEqual({
        method,
        code: grpc.status.ABORTED,
        details: "not initialized",
      });
    }
  });

  it("initializes once asked, reports the same upper-case UUID, and accepts a second Initialize", async () => {
    dp = await startTestDpservice({ initialize: false, withVms: false });
    const init = await dp.client.call("initialize", {});
    expect(init.status).toMatchObject({ code: 0, message: "Success" });
    expect(init.uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect((await dp.client.call("checkInitialized", {})).uuid).toBe(init.uuid);
    expect((await dp.client.call("initialize", {})).uuid).toBe(init.uuid);
  });
});

describe("UUID", () => {
  it("changes with every start", async () => {
    const a = await startTestDpservice({ withVms: false });
    const b = await startTestDpservice({ withVms: false });
    try {
      expect((await a.client.call("checkInitialized", {})).uuid).not.toBe(
        (await b.client.call("checkInitialized", {})).uuid,
      );
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe("Connect/HTTP port", () => {
  it("serves the same handlers as JSON", async () => {
    dp = await startTestDpservice({ withVms: false });
    const res = await fetch(
      `http://127.0.0.1:${dp.service.httpPort}/dpdkironcore.v1.DPDKironcore/CheckInitialized`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: { message: "Success" }, uuid: dp.service.state.uuid });
  });
});

describe("GetVersion", () => {
  it("reports its version as protocol and service version", async () => {
    dp = await startTestDpservice({ withVms: false });
    const res = await dp.client.call("getVersion", {
      clientName: "metalnet-test",
      clientProtocol: "x",
      clientVersion: "y",
    });
    expect(res).toMatchObject({
      status: { code: 0 },
      serviceProtocol: DPSERVICE_VERSION,
      serviceVersion: DPSERVICE_VERSION,
    });
  });
});

describe("Initialize on a running service (metalnet restart)", () => {
  it("drops neighbour NATs and remote routes, keeps interfaces, their routes and prefixes", async () => {
    dp = await startTestDpservice();
    const c = dp.client;
    await c.call("createRoute", {
      vni: VM1.vni,
      route: { prefix: prefix("10.100.2.0/24"), nexthopVni: VM1.vni, nexthopAddress: ipv6("fc00:2::1") },
    });
    await c.call("createRoute", {
      vni: VM1.vni,
      route: { prefix: prefix("2000:100:2::/104"), nexthopVni: VM1.vni, nexthopAddress: ipv6("fc00:2::1") },
    });
    await c.call("createPrefix", { interfaceId: t(VM1.id), prefix: prefix("192.168.50.0/24") });
    await c.call("createNeighborNat", {
      natIp: ipv4("45.86.6.6"),
      vni: VM3.vni,
      minPort: 100,
      maxPort: 200,
      underlayRoute: t("fc00:2::64:0:1"),
    });

    await c.call("initialize", {});

    expect((await c.call("listRoutes", { vni: 0 })).routes).toEqual([]);
    expect((await c.call("listNeighborNats", { natIp: ipv4("0.0.0.0") })).natEntries).toEqual([]);
    expect((await c.call("listInterfaces", {})).interfaces).toHaveLength(3);
    expect((await c.call("listPrefixes", { interfaceId: t(VM1.id) })).prefixes).toHaveLength(1);
    const state = dp.service.state;
    expect(state.vnis.lookupV6(VM1.vni, parseIpv6("2000:100:2::1")!)).toBeUndefined();
    expect(state.vnis.lookupV4(VM1.vni, 0x0a640101)?.value).toMatchObject({
      kind: "local",
      source: "interface",
    });
    expect(state.vnis.lookupV4(VM1.vni, 0xc0a83207)?.value).toMatchObject({
      kind: "local",
      source: "prefix",
    });
  });
});

describe("capture", () => {
  it("is never active: no hardware offload", async () => {
    dp = await startTestDpservice({ withVms: false });
    const c = dp.client;
    const start = await c.call("captureStart", {
      captureConfig: { sinkNodeIp: ipv6("fc00:9::1"), udpSrcPort: 3000, udpDstPort: 3010, interfaces: [] },
    });
    expect(start.status).toEqual(
      expect.objectContaining({ code: StatusCode.NOT_ACTIVE, message: "NOT_ACTIVE" }),
    );
    expect((await c.call("captureStop", {})).status?.code).toBe(StatusCode.NOT_ACTIVE);
    expect(await c.call("captureStatus", {})).toMatchObject({ status: { code: 0 }, isActive: false });
    expect(
      await c.failure("captureStart", { captureConfig: { sinkNodeIp: ipv4("1.2.3.4"), udpSrcPort: 70000 } }),
    ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: "Invalid udp_src_port" });
    expect(await c.failure("captureStart", { captureConfig: { sinkNodeIp: ipv4("1.2.3.4") } })).toMatchObject(
      {
        code: grpc.status.INVALID_ARGUMENT,
        details: "Invalid sink_node_ip",
      },
    );
  });
});
