import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { prefix, s, t } from "../testing/dpdkTestClient.js";
import { startTestDpservice, type TestDpservice, VM1, VM2 } from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;

describe.each(["1.2.3.0/24", "1234::/64"])("alias prefix %s", (cidr) => {
  it("create -> list -> duplicate ROUTE_EXISTS -> delete -> delete again ROUTE_NOT_FOUND -> re-create", async () => {
    const c = dp.client;
    const req = { interfaceId: t(VM1.id), prefix: prefix(cidr) };
    const created = await c.call("createPrefix", req);
    expect(code(created)).toBe(0);
    expect(s(created.underlayRoute)).toMatch(/^fc00:1::d000:/);
    const listed = await c.call("listPrefixes", { interfaceId: t(VM1.id) });
    expect(listed.prefixes.map((p) => [s(p.ip?.address), p.length, s(p.underlayRoute)])).toEqual([
      [cidr.split("/")[0], Number(cidr.split("/")[1]), s(created.underlayRoute)],
    ]);
    // The prefix routes to VM1 inside its VNI and its underlay leads to VM1.
    const state = dp.service.state;
    expect(
      state.underlays.get(state.interfaces.get(VM1.id)!.prefixes.values().next().value!.underlay.key),
    ).toMatchObject({
      type: "ALIAS_PFX",
      vni: VM1.vni,
    });
    expect(code(await c.call("createPrefix", req))).toBe(StatusCode.ROUTE_EXISTS);
    expect(code(await c.call("deletePrefix", req))).toBe(0);
    expect(code(await c.call("deletePrefix", req))).toBe(StatusCode.ROUTE_NOT_FOUND);
    expect((await c.call("listPrefixes", { interfaceId: t(VM1.id) })).prefixes).toEqual([]);
    expect(code(await c.call("createPrefix", req))).toBe(0);
    expect(code(await c.call("deletePrefix", req))).toBe(0);
  });
});

describe("alias prefix lists and errors", () => {
  it("lists in creation order and keeps the other on delete", async () => {
    const c = dp.client;
    const a = await c.call("createPrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.3.0/24") });
    const b = await c.call("createPrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.4.0/24") });
    const list = async () =>
      (await c.call("listPrefixes", { interfaceId: t(VM1.id) })).prefixes.map((p) => s(p.underlayRoute));
    expect(await list()).toEqual([s(a.underlayRoute), s(b.underlayRoute)]);
    await c.call("deletePrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.3.0/24") });
    expect(await list()).toEqual([s(b.underlayRoute)]);
    await c.call("deletePrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.4.0/24") });
    expect(await list()).toEqual([]);
  });

  it("answers NO_VM for unknown interfaces and ROUTE_BAD_PORT for another interface's prefix", async () => {
    const c = dp.client;
    const unknown = { interfaceId: t("invalid_name"), prefix: prefix("1.2.3.4/24") };
    expect(code(await c.call("createPrefix", unknown))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("listPrefixes", unknown))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("deletePrefix", unknown))).toBe(StatusCode.NO_VM);
    await c.call("createPrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.3.0/24") });
    expect(code(await c.call("createPrefix", { interfaceId: t(VM2.id), prefix: prefix("1.2.3.9/24") }))).toBe(
      StatusCode.ROUTE_EXISTS,
    );
    expect(code(await c.call("deletePrefix", { interfaceId: t(VM2.id), prefix: prefix("1.2.3.0/24") }))).toBe(
      StatusCode.ROUTE_BAD_PORT,
    );
    expect(
      code(await c.call("deletePrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.3.77/24") })),
    ).toBe(0);
    expect(
      await c.failure("createPrefix", { interfaceId: t(VM1.id), prefix: prefix("1.2.3.0/33") }),
    ).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid prefix.length",
    });
    expect(
      await c.failure("createPrefix", {
        interfaceId: t(VM1.id),
        prefix: { ip: { ipver: 0, address: t("1234::") }, length: 8 },
      }),
    ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: "Invalid prefix.ip" });
  });
});

describe.each(["1.2.3.0/24", "1234::/64"])("load balancer prefix %s", (cidr) => {
  it("create -> list -> duplicate ALREADY_EXISTS -> delete -> delete again NOT_FOUND -> re-create", async () => {
    const c = dp.client;
    const req = { interfaceId: t(VM1.id), prefix: prefix(cidr) };
    const created = await c.call("createLoadBalancerPrefix", req);
    expect(code(created)).toBe(0);
    const listed = await c.call("listLoadBalancerPrefixes", { interfaceId: t(VM1.id) });
    expect(listed.prefixes.map((p) => [s(p.ip?.address), p.length, s(p.underlayRoute)])).toEqual([
      [cidr.split("/")[0], Number(cidr.split("/")[1]), s(created.underlayRoute)],
    ]);
    expect(code(await c.call("createLoadBalancerPrefix", req))).toBe(StatusCode.ALREADY_EXISTS);
    expect(code(await c.call("deleteLoadBalancerPrefix", req))).toBe(0);
    expect(code(await c.call("deleteLoadBalancerPrefix", req))).toBe(StatusCode.NOT_FOUND);
    expect(code(await c.call("createLoadBalancerPrefix", req))).toBe(0);
    expect(code(await c.call("deleteLoadBalancerPrefix", req))).toBe(0);
    // Only an underlay: no route was ever added for it.
    expect(dp.service.state.vnis.get(VM1.vni)!.v4.size + dp.service.state.vnis.get(VM1.vni)!.v6.size).toBe(4);
  });

  it("answers NO_VM for unknown interfaces", async () => {
    const unknown = { interfaceId: t("invalid_name"), prefix: prefix(cidr) };
    expect(code(await dp.client.call("createLoadBalancerPrefix", unknown))).toBe(StatusCode.NO_VM);
    expect(code(await dp.client.call("listLoadBalancerPrefixes", unknown))).toBe(StatusCode.NO_VM);
    expect(code(await dp.client.call("deleteLoadBalancerPrefix", unknown))).toBe(StatusCode.NO_VM);
  });
});
