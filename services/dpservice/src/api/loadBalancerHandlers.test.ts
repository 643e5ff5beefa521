import * as grpc from "@grpc/grpc-js";
import { Protocol } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { ipv4, ipv6, s, t } from "../testing/dpdkTestClient.js";
import { startTestDpservice, type TestDpservice } from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;
const LB = "my_lb";
const VNI = 100;
const tcp = (port: number) => ({ port, protocol: Protocol.TCP });
const udp = (port: number) => ({ port, protocol: Protocol.UDP });
const lbRequest = (id = LB, ip = ipv4("10.20.30.40"), ports = [tcp(80)], vni = VNI) => ({
  loadbalancerId: t(id),
  vni,
  loadbalancedIp: ip,
  loadbalancedPorts: ports,
});

describe("load balancer: create -> get -> list -> duplicate -> delete -> get/delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    const created = await c.call("createLoadBalancer", lbRequest());
    expect(code(created)).toBe(0);
    const got = await c.call("getLoadBalancer", { loadbalancerId: t(LB) });
    expect(code(got)).toBe(0);
    expect({
      vni: got.vni,
      ip: s(got.loadbalancedIp?.address),
      ports: got.loadbalancedPorts.map((p) => [p.protocol, p.port]),
      underlay: s(got.underlayRoute),
    }).toEqual({ vni: VNI, ip: "10.20.30.40", ports: [[6, 80]], underlay: s(created.underlayRoute) });
    const list = await c.call("listLoadBalancers", {});
    expect(list.loadbalancers.map((l) => [s(l.id), l.vni, s(l.underlayRoute)])).toEqual([
      [LB, VNI, s(created.underlayRoute)],
    ]);
    expect(dp.service.state.underlays.get(dp.service.state.loadBalancers.get(LB)!.underlay.key)?.type).toBe(
      "LB",
    );

    expect(code(await c.call("createLoadBalancer", lbRequest()))).toBe(StatusCode.ALREADY_EXISTS);
    // Another id for the same (VNI, IP) is a duplicate too.
    expect(code(await c.call("createLoadBalancer", lbRequest("other")))).toBe(StatusCode.ALREADY_EXISTS);
    expect(code(await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) }))).toBe(0);
    expect(code(await c.call("getLoadBalancer", { loadbalancerId: t(LB) }))).toBe(StatusCode.NOT_FOUND);
    expect(code(await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) }))).toBe(StatusCode.NOT_FOUND);
    expect(code(await c.call("createLoadBalancer", lbRequest()))).toBe(0);
    expect(code(await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) }))).toBe(0);
  });

  it("lists IPv4 and IPv6 load balancers and keeps a VNI in use", async () => {
    const c = dp.client;
    await c.call("createLoadBalancer", lbRequest("lb1", ipv4("1.2.3.4"), [tcp(80), udp(80)], 4242));
    await c.call("createLoadBalancer", lbRequest("lb2", ipv6("1234::1"), [tcp(80)], 4242));
    expect((await c.call("listLoadBalancers", {})).loadbalancers.map((l) => s(l.id))).toEqual(["lb1", "lb2"]);
    expect((await c.call("checkVniInUse", { vni: 4242, type: 0 })).inUse).toBe(true);
    await c.call("deleteLoadBalancer", { loadbalancerId: t("lb1") });
    expect((await c.call("listLoadBalancers", {})).loadbalancers.map((l) => s(l.id))).toEqual(["lb2"]);
    await c.call("deleteLoadBalancer", { loadbalancerId: t("lb2") });
    expect((await c.call("listLoadBalancers", {})).loadbalancers).toEqual([]);
    expect((await c.call("checkVniInUse", { vni: 4242, type: 0 })).inUse).toBe(false);
  });

  it("rejects bad ports with INVALID_ARGUMENT and upstream's texts", async () => {
    const c = dp.client;
    const invalid = async (ports: { port: number; protocol: Protocol }[], details: string) =>
      expect(await c.failure("createLoadBalancer", lbRequest(LB, ipv4("10.20.30.40"), ports))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details,
      });
    await invalid([{ port: 22, protocol: Protocol.ICMP }], "Invalid loadbalanced_ports.protocol");
    await invalid([udp(65536)], "Invalid loadbalanced_ports.port");
    await invalid([tcp(80), tcp(80)], "Duplicate loadbalanced_ports entry");
    await invalid(
      Array.from({ length: 16 }, (_, i) => tcp(1000 + i)),
      "Too many loadbalanced_ports",
    );
    expect(await c.failure("createLoadBalancer", lbRequest(""))).toMatchObject({
      details: "Invalid loadbalancer_id",
    });
    expect(await c.failure("createLoadBalancer", lbRequest(LB, ipv4("1234::1")))).toMatchObject({
      details: "Invalid loadbalanced_ip",
    });
    // Same port with both protocols, and 15 ports, are fine.
    expect(
      code(await c.call("createLoadBalancer", lbRequest(LB, ipv4("10.20.30.40"), [tcp(80), udp(80)]))),
    ).toBe(0);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
    // Port 0 is accepted and dropped, as upstream.
    expect(
      code(await c.call("createLoadBalancer", lbRequest(LB, ipv4("10.20.30.40"), [tcp(0), tcp(80)]))),
    ).toBe(0);
    const got = await c.call("getLoadBalancer", { loadbalancerId: t(LB) });
    expect(got.loadbalancedPorts.map((p) => p.port)).toEqual([80]);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
    const fifteen = Array.from({ length: 15 }, (_, i) => tcp(1000 + i));
    expect(code(await c.call("createLoadBalancer", lbRequest(LB, ipv4("10.20.30.40"), fifteen)))).toBe(0);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
  });
});

describe("load balancer targets: create -> list -> duplicate -> delete -> delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    await c.call("createLoadBalancer", lbRequest());
    const req = { loadbalancerId: t(LB), targetIp: ipv6("fc00:2::d000:0:0:1") };
    expect(code(await c.call("createLoadBalancerTarget", req))).toBe(0);
    const listed = await c.call("listLoadBalancerTargets", { loadbalancerId: t(LB) });
    expect(listed.targetIps.map((ip) => [ip.ipver, s(ip.address)])).toEqual([[1, "fc00:2::d000:0:0:1"]]);
    expect(code(await c.call("createLoadBalancerTarget", req))).toBe(StatusCode.ALREADY_EXISTS);
    expect(code(await c.call("deleteLoadBalancerTarget", req))).toBe(0);
    expect(code(await c.call("deleteLoadBalancerTarget", req))).toBe(StatusCode.NOT_FOUND);
    expect(code(await c.call("createLoadBalancerTarget", req))).toBe(0);
    expect(code(await c.call("deleteLoadBalancerTarget", req))).toBe(0);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
  });

  it("lists in Maglev (address) order, per LB or for all with an empty id", async () => {
    const c = dp.client;
    await c.call("createLoadBalancer", lbRequest());
    await c.call("createLoadBalancer", lbRequest("lb2", ipv4("10.20.30.41")));
    await c.call("createLoadBalancerTarget", { loadbalancerId: t(LB), targetIp: ipv6("1234::2") });
    await c.call("createLoadBalancerTarget", { loadbalancerId: t(LB), targetIp: ipv6("1234::1") });
    await c.call("createLoadBalancerTarget", { loadbalancerId: t("lb2"), targetIp: ipv6("1234::3") });
    const list = async (id: string) =>
      (await c.call("listLoadBalancerTargets", { loadbalancerId: t(id) })).targetIps.map((ip) =>
        s(ip.address),
      );
    expect(await list(LB)).toEqual(["1234::1", "1234::2"]);
    expect(await list("")).toEqual(["1234::1", "1234::2", "1234::3"]);
    await c.call("deleteLoadBalancerTarget", { loadbalancerId: t(LB), targetIp: ipv6("1234::1") });
    expect(await list(LB)).toEqual(["1234::2"]);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
    await c.call("deleteLoadBalancer", { loadbalancerId: t("lb2") });
  });

  it("answers NO_LB, BAD_IPVER and BACKIP_ADD beyond 64 targets", async () => {
    const c = dp.client;
    const missing = { loadbalancerId: t("nonexisting"), targetIp: ipv6("::") };
    expect(code(await c.call("createLoadBalancerTarget", missing))).toBe(StatusCode.NO_LB);
    expect(code(await c.call("deleteLoadBalancerTarget", missing))).toBe(StatusCode.NO_LB);
    expect(code(await c.call("listLoadBalancerTargets", missing))).toBe(StatusCode.NO_LB);
    await c.call("createLoadBalancer", lbRequest());
    const v4 = { loadbalancerId: t(LB), targetIp: ipv4("1.2.3.4") };
    expect(code(await c.call("createLoadBalancerTarget", v4))).toBe(StatusCode.BAD_IPVER);
    expect(code(await c.call("deleteLoadBalancerTarget", v4))).toBe(StatusCode.BAD_IPVER);
    for (let i = 1; i <= 64; i++) {
      expect(
        code(
          await c.call("createLoadBalancerTarget", { loadbalancerId: t(LB), targetIp: ipv6(`fc00:2::${i}`) }),
        ),
      ).toBe(0);
    }
    expect(
      code(await c.call("createLoadBalancerTarget", { loadbalancerId: t(LB), targetIp: ipv6("fc00:2::65") })),
    ).toBe(StatusCode.BACKIP_ADD);
    const lb = dp.service.state.loadBalancers.get(LB)!;
    expect(lb.selectTarget(12345)?.text).toMatch(/^fc00:2::/);
    expect(lb.servesPort(6, 80)).toBe(true);
    expect(lb.servesPort(17, 80)).toBe(false);
    await c.call("deleteLoadBalancer", { loadbalancerId: t(LB) });
  });
});
