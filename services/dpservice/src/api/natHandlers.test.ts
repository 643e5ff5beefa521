import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { ipv4, ipv6, s, t } from "../testing/dpdkTestClient.js";
import {
  createVm,
  startTestDpservice,
  type TestDpservice,
  VM1,
  VM2,
  VM3,
  VM4,
} from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;
const NAT_IP = "172.20.0.9";
const nat = (id: string, minPort = 100, maxPort = 102, ip = ipv4(NAT_IP)) => ({
  interfaceId: t(id),
  natIp: ip,
  minPort,
  maxPort,
});

describe("NAT: create -> get -> duplicate -> delete -> get/delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    const created = await c.call("createNat", nat(VM1.id));
    expect(code(created)).toBe(0);
    const got = await c.call("getNat", { interfaceId: t(VM1.id) });
    expect([s(got.natIp?.address), got.minPort, got.maxPort, s(got.underlayRoute)]).toEqual([
      NAT_IP,
      100,
      102,
      s(created.underlayRoute),
    ]);
    expect(code(await c.call("createNat", nat(VM1.id)))).toBe(StatusCode.SNAT_EXISTS);
    // A second range on the same interface is a second NAT: refused the same way.
    expect(code(await c.call("createNat", nat(VM1.id, 102, 103)))).toBe(StatusCode.SNAT_EXISTS);
    expect(code(await c.call("deleteNat", { interfaceId: t(VM1.id) }))).toBe(0);
    expect(code(await c.call("getNat", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
    expect(code(await c.call("deleteNat", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
    expect(code(await c.call("createNat", nat(VM1.id)))).toBe(0);
    expect(code(await c.call("deleteNat", { interfaceId: t(VM1.id) }))).toBe(0);
  });

  it("shares a NAT IP between interfaces and lists local NATs by NAT IP or all", async () => {
    const c = dp.client;
    await c.call("createNat", nat(VM1.id, 100, 102));
    await c.call("createNat", nat(VM2.id, 102, 103));
    await c.call("createNat", nat(VM3.id, 100, 200, ipv4("172.20.0.10")));
    const list = async (ip: string) =>
      (await c.call("listLocalNats", { natIp: ipv4(ip) })).natEntries.map((e) => [
        s(e.natIp?.address),
        e.minPort,
        e.maxPort,
        e.vni,
        s(e.actualNatIp?.address),
      ]);
    expect(await list(NAT_IP)).toEqual([
      [VM1.ip, 100, 102, VM1.vni, NAT_IP],
      [VM2.ip, 102, 103, VM2.vni, NAT_IP],
    ]);
    expect(await list("0.0.0.0")).toHaveLength(3);
    expect(dp.service.state.dnat.lookup(VM1.vni, 0xac140009)).toEqual({ kind: "nat", users: 2 });
    await c.call("deleteNat", { interfaceId: t(VM2.id) });
    expect(await list(NAT_IP)).toEqual([[VM1.ip, 100, 102, VM1.vni, NAT_IP]]);
    await c.call("deleteNat", { interfaceId: t(VM1.id) });
    await c.call("deleteNat", { interfaceId: t(VM3.id) });
    expect(await list("0.0.0.0")).toEqual([]);
    expect(dp.service.state.dnat.lookup(VM1.vni, 0xac140009)).toBeUndefined();
  });

  it("allows NAT on an IPv6-only interface (NAT64)", async () => {
    const c = dp.client;
    await createVm(c, { ...VM4, ip: "0.0.0.0" });
    expect(code(await c.call("createNat", nat(VM4.id)))).toBe(0);
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
    expect(dp.service.state.dnat.lookup(VM4.vni, 0xac140009)).toBeUndefined();
  });

  it("answers NO_VM, BAD_IPVER and INVALID_ARGUMENT for bad port ranges", async () => {
    const c = dp.client;
    expect((await c.call("listLocalNats", { natIp: ipv4(NAT_IP) })).natEntries).toEqual([]);
    expect(code(await c.call("createNat", nat("invalid_name")))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("getNat", { interfaceId: t("invalid_name") }))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("deleteNat", { interfaceId: t("invalid_name") }))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("createNat", nat(VM1.id, 1024, 2048, ipv6("1234::1"))))).toBe(
      StatusCode.BAD_IPVER,
    );
    expect(code(await c.call("listLocalNats", { natIp: ipv6("1234::1") }))).toBe(StatusCode.BAD_IPVER);
    const invalid = async (minPort: number, maxPort: number, details: string) =>
      expect(await c.failure("createNat", nat(VM1.id, minPort, maxPort))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details,
      });
    await invalid(200, 100, "Invalid port range");
    await invalid(100, 100, "Invalid port range");
    await invalid(70000, 70001, "Invalid min_port");
    await invalid(100, 65536, "Invalid max_port");
  });
});

const NEIGH = { natIp: ipv4(NAT_IP), vni: 100, underlayRoute: t("fc00:2::d000:0:0:9") };

describe("neighbour NAT: create -> list -> duplicate -> delete -> delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    const req = { ...NEIGH, minPort: 500, maxPort: 600 };
    expect(code(await c.call("createNeighborNat", req))).toBe(0);
    const listed = await c.call("listNeighborNats", { natIp: ipv4(NAT_IP) });
    expect(
      listed.natEntries.map((e) => [
        e.minPort,
        e.maxPort,
        e.vni,
        s(e.underlayRoute),
        s(e.actualNatIp?.address),
      ]),
    ).toEqual([[500, 600, 100, "fc00:2::d000:0:0:9", NAT_IP]]);
    expect(dp.service.state.neighborNats.find(0xac140009, 100, 599)?.underlay.text).toBe(
      "fc00:2::d000:0:0:9",
    );
    expect(code(await c.call("createNeighborNat", req))).toBe(StatusCode.ALREADY_EXISTS);
    const del = { natIp: req.natIp, vni: req.vni, minPort: 500, maxPort: 600 };
    expect(code(await c.call("deleteNeighborNat", del))).toBe(0);
    expect(code(await c.call("deleteNeighborNat", del))).toBe(StatusCode.NOT_FOUND);
    expect(code(await c.call("createNeighborNat", req))).toBe(0);
    expect(code(await c.call("deleteNeighborNat", del))).toBe(0);
  });

  it("refuses overlaps with any VNI's range of the IP and answers BAD_IPVER for IPv6", async () => {
    const c = dp.client;
    const list = async (ip: string) => (await c.call("listNeighborNats", { natIp: ipv4(ip) })).natEntries;
    expect(await list(NAT_IP)).toEqual([]);
    await c.call("createNeighborNat", { ...NEIGH, minPort: 500, maxPort: 600 });
    expect(code(await c.call("createNeighborNat", { ...NEIGH, vni: 200, minPort: 500, maxPort: 600 }))).toBe(
      StatusCode.ALREADY_EXISTS,
    );
    expect(code(await c.call("createNeighborNat", { ...NEIGH, vni: 200, minPort: 501, maxPort: 601 }))).toBe(
      StatusCode.ALREADY_EXISTS,
    );
    expect(code(await c.call("createNeighborNat", { ...NEIGH, vni: 200, minPort: 600, maxPort: 700 }))).toBe(
      0,
    );
    expect((await list(NAT_IP)).map((e) => [e.minPort, e.vni])).toEqual([
      [500, 100],
      [600, 200],
    ]);
    expect(await list("0.0.0.0")).toHaveLength(2);
    // Only exact ranges are deleted.
    expect(
      code(await c.call("deleteNeighborNat", { natIp: NEIGH.natIp, vni: 100, minPort: 500, maxPort: 599 })),
    ).toBe(StatusCode.NOT_FOUND);
    await c.call("deleteNeighborNat", { natIp: NEIGH.natIp, vni: 100, minPort: 500, maxPort: 600 });
    await c.call("deleteNeighborNat", { natIp: NEIGH.natIp, vni: 200, minPort: 600, maxPort: 700 });
    const v6 = { ...NEIGH, natIp: ipv6("1234::1"), minPort: 500, maxPort: 600 };
    expect(code(await c.call("createNeighborNat", v6))).toBe(StatusCode.BAD_IPVER);
    expect(code(await c.call("deleteNeighborNat", v6))).toBe(StatusCode.BAD_IPVER);
    expect(code(await c.call("listNeighborNats", { natIp: ipv6("1234::1") }))).toBe(StatusCode.BAD_IPVER);
    expect(
      await c.failure("createNeighborNat", { ...NEIGH, underlayRoute: t("nope"), minPort: 1, maxPort: 2 }),
    ).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid underlay_route",
    });
  });
});
