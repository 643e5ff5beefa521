import * as grpc from "@grpc/grpc-js";
import type { VniType } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { parseIpv6 } from "@ironcore-ts/packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { ipv4, ipv6, prefix, s, t } from "../testing/dpdkTestClient.js";
import {
  createVm,
  startTestDpservice,
  type TestDpservice,
  VM1,
  VM3,
  VM4,
} from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;
const NEIGHBOUR = "fc00:2::d000:0:0:1";
const route = (cidr: string, nexthopVni = 100, nexthop = ipv6(NEIGHBOUR)) => ({
  prefix: prefix(cidr),
  nexthopVni,
  nexthopAddress: nexthop,
});
const listed = async (vni: number) =>
  (await dp.client.call("listRoutes", { vni })).routes.map((r) => [
    `${s(r.prefix?.ip?.address)}/${r.prefix?.length}`,
    r.nexthopVni,
    s(r.nexthopAddress?.address),
  ]);

describe("routes: create -> list -> duplicate -> delete -> delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    await createVm(c, { ...VM4, vni: 999 });
    const req = { vni: 999, route: route("1.2.3.4/24") };
    expect(code(await c.call("createRoute", req))).toBe(0);
    expect(await listed(999)).toEqual([["1.2.3.0/24", 100, NEIGHBOUR]]);
    // The pipeline's view: a remote next hop for addresses in the prefix.
    expect(dp.service.state.vnis.lookupV4(999, 0x01020363)?.value).toMatchObject({
      kind: "remote",
      nextHopVni: 100,
      nextHop: { text: NEIGHBOUR },
    });
    expect(code(await c.call("createRoute", req))).toBe(StatusCode.ROUTE_EXISTS);
    // Same prefix, other host bits: the same route.
    expect(code(await c.call("createRoute", { vni: 999, route: route("1.2.3.0/24") }))).toBe(
      StatusCode.ROUTE_EXISTS,
    );
    expect(code(await c.call("deleteRoute", req))).toBe(0);
    expect(code(await c.call("deleteRoute", req))).toBe(StatusCode.ROUTE_NOT_FOUND);
    expect(code(await c.call("createRoute", req))).toBe(0);
    expect(code(await c.call("deleteRoute", req))).toBe(0);
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });

  it("lists only remote IPv4 routes, per VNI or all VNIs with vni 0, and keeps IPv6 routes unlisted", async () => {
    const c = dp.client;
    await c.call("createRoute", { vni: 100, route: route("0.0.0.0/0", 100, ipv6("fc00::ffff")) });
    await c.call("createRoute", { vni: 100, route: route("10.100.2.0/24") });
    await c.call("createRoute", { vni: 100, route: route("2000:100:2::/104") });
    await c.call("createRoute", { vni: 200, route: route("0.0.0.0/0", 200, ipv6("fc00::ffff")) });
    expect(await listed(100)).toEqual([
      ["0.0.0.0/0", 100, "fc00::ffff"],
      ["10.100.2.0/24", 100, NEIGHBOUR],
    ]);
    expect(await listed(0)).toEqual([
      ["0.0.0.0/0", 100, "fc00::ffff"],
      ["10.100.2.0/24", 100, NEIGHBOUR],
      ["0.0.0.0/0", 200, "fc00::ffff"],
    ]);
    expect(dp.service.state.vnis.lookupV6(100, parseIpv6("2000:100:2::9")!)?.value.kind).toBe("remote");
    for (const [vni, cidr] of [
      [100, "0.0.0.0/0"],
      [100, "10.100.2.0/24"],
      [100, "2000:100:2::/104"],
      [200, "0.0.0.0/0"],
    ] as const) {
      expect(code(await c.call("deleteRoute", { vni, route: route(cidr) }))).toBe(0);
    }
    expect(await listed(0)).toEqual([]);
  });

  it("answers NO_VNI, BAD_IPVER and ROUTE_BAD_PORT", async () => {
    const c = dp.client;
    expect(
      code(await c.call("createRoute", { vni: 300, route: route("0.0.0.0/0", 0, ipv6("1234::")) })),
    ).toBe(StatusCode.NO_VNI);
    expect(code(await c.call("listRoutes", { vni: 300 }))).toBe(StatusCode.NO_VNI);
    expect(code(await c.call("deleteRoute", { vni: 300, route: route("0.0.0.0/0") }))).toBe(
      StatusCode.NO_VNI,
    );
    expect(
      code(await c.call("createRoute", { vni: 100, route: route("4.5.6.7/32", 0, ipv4("1.2.3.4")) })),
    ).toBe(StatusCode.BAD_IPVER);
    // VM1's own address is routed to its VF: not for DeleteRoute.
    expect(code(await c.call("deleteRoute", { vni: 100, route: route(`${VM1.ip}/32`) }))).toBe(
      StatusCode.ROUTE_BAD_PORT,
    );
    expect(code(await c.call("createRoute", { vni: 100, route: route(`${VM1.ip}/32`) }))).toBe(
      StatusCode.ROUTE_EXISTS,
    );
    expect(await c.failure("createRoute", { vni: 100, route: route("1.2.3.0/33") })).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid route.prefix.length",
    });
    expect(
      await c.failure("createRoute", { vni: 100, route: route("1.2.3.0/24", 100, ipv6("x")) }),
    ).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid route.nexthop_address",
    });
  });

  it("lists 64+ routes in one reply", async () => {
    const c = dp.client;
    for (let i = 30; i < 94; i++)
      await c.call("createRoute", { vni: 100, route: route(`192.168.${i}.0/32`) });
    expect(await listed(100)).toHaveLength(64);
    for (let i = 30; i < 94; i++)
      await c.call("deleteRoute", { vni: 100, route: route(`192.168.${i}.0/32`) });
  });
});

describe("VNIs", () => {
  it("are in use while an interface uses them; BOTH is the wrong type for the check", async () => {
    const c = dp.client;
    expect(await c.call("checkVniInUse", { vni: VM1.vni, type: 0 })).toMatchObject({
      status: { code: 0 },
      inUse: true,
    });
    expect(await c.call("checkVniInUse", { vni: VM1.vni, type: 1 })).toMatchObject({ inUse: true });
    expect(await c.call("checkVniInUse", { vni: 999, type: 0 })).toMatchObject({
      status: { code: 0 },
      inUse: false,
    });
    expect(code(await c.call("checkVniInUse", { vni: VM1.vni, type: 2 }))).toBe(StatusCode.WRONG_TYPE);
    expect(await c.failure("checkVniInUse", { vni: VM1.vni, type: 7 as VniType })).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid type",
    });
  });

  it("reset (BOTH only) clears the VNI's remote routes and nothing else; unknown VNIs are fine", async () => {
    const c = dp.client;
    await createVm(c, { ...VM4, vni: 999 });
    for (const cidr of ["0.0.0.0/0", "10.100.2.0/24"])
      await c.call("createRoute", { vni: 999, route: route(cidr) });
    await c.call("createRoute", { vni: VM3.vni, route: route("0.0.0.0/0") });
    expect(await listed(999)).toHaveLength(2);
    expect(code(await c.call("resetVni", { vni: 999, type: 0 }))).toBe(StatusCode.WRONG_TYPE);
    expect(code(await c.call("resetVni", { vni: 999, type: 2 }))).toBe(0);
    expect(await listed(999)).toEqual([]);
    expect(await listed(VM3.vni)).toHaveLength(1);
    expect(dp.service.state.vnis.lookupV4(999, 0x0a640104)?.value).toMatchObject({ kind: "local" });
    expect(code(await c.call("resetVni", { vni: 12345, type: 2 }))).toBe(0);
    await c.call("deleteRoute", { vni: VM3.vni, route: route("0.0.0.0/0") });
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });

  it("are freed with their last user, taking routes and neighbour NATs along", async () => {
    const c = dp.client;
    await createVm(c, { ...VM4, vni: 777 });
    await c.call("createLoadBalancer", {
      loadbalancerId: t("lb777"),
      vni: 777,
      loadbalancedIp: ipv4("10.7.7.7"),
      loadbalancedPorts: [],
    });
    await c.call("createRoute", { vni: 777, route: route("0.0.0.0/0") });
    const neigh = { natIp: ipv4("172.20.7.7"), vni: 777, minPort: 100, maxPort: 200 };
    await c.call("createNeighborNat", { ...neigh, underlayRoute: t(NEIGHBOUR) });
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
    // The load balancer keeps the VNI: routes and neighbour NATs survive.
    expect((await c.call("checkVniInUse", { vni: 777, type: 0 })).inUse).toBe(true);
    expect(await listed(777)).toHaveLength(1);
    expect((await c.call("listNeighborNats", { natIp: neigh.natIp })).natEntries).toHaveLength(1);
    await c.call("deleteLoadBalancer", { loadbalancerId: t("lb777") });
    expect((await c.call("checkVniInUse", { vni: 777, type: 0 })).inUse).toBe(false);
    expect(code(await c.call("listRoutes", { vni: 777 }))).toBe(StatusCode.NO_VNI);
    expect(code(await c.call("deleteNeighborNat", neigh))).toBe(StatusCode.NOT_FOUND);
  });
});
