import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { ipv4, ipv6, s, t } from "../testing/dpdkTestClient.js";
import {
  createVm,
  startTestDpservice,
  type TestDpservice,
  VM1,
  VM2,
  VM4,
} from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;
const VIP = "172.20.0.1";

describe("VIP: create -> get -> duplicate -> delete -> get/delete again -> re-create", () => {
  it("returns the reference's codes", async () => {
    const c = dp.client;
    const created = await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv4(VIP) });
    expect(code(created)).toBe(0);
    const got = await c.call("getVip", { interfaceId: t(VM1.id) });
    expect(code(got)).toBe(0);
    expect([got.vipIp?.ipver, s(got.vipIp?.address), s(got.underlayRoute)]).toEqual([
      0,
      VIP,
      s(created.underlayRoute),
    ]);
    const state = dp.service.state;
    expect(state.dnat.lookup(VM1.vni, 0xac140001)).toMatchObject({ kind: "vip", iface: { id: VM1.id } });
    expect(code(await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv4(VIP) }))).toBe(
      StatusCode.SNAT_EXISTS,
    );
    expect(code(await c.call("deleteVip", { interfaceId: t(VM1.id) }))).toBe(0);
    expect(code(await c.call("getVip", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
    expect(code(await c.call("deleteVip", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
    expect(state.dnat.lookup(VM1.vni, 0xac140001)).toBeUndefined();
    expect(code(await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv4(VIP) }))).toBe(0);
    expect(code(await c.call("deleteVip", { interfaceId: t(VM1.id) }))).toBe(0);
  });
});

describe("VIP errors", () => {
  it("answers NO_VM, BAD_IPVER and DNAT_EXISTS", async () => {
    const c = dp.client;
    expect(code(await c.call("createVip", { interfaceId: t("invalid_name"), vipIp: ipv4(VIP) }))).toBe(
      StatusCode.NO_VM,
    );
    expect(code(await c.call("getVip", { interfaceId: t("invalid_name") }))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("deleteVip", { interfaceId: t("invalid_name") }))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv6("1234::1") }))).toBe(
      StatusCode.BAD_IPVER,
    );
    // The same public IP in the same VNI for a second interface.
    await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv4(VIP) });
    expect(code(await c.call("createVip", { interfaceId: t(VM2.id), vipIp: ipv4(VIP) }))).toBe(
      StatusCode.DNAT_EXISTS,
    );
    // ... and a NAT on that IP.
    expect(
      code(
        await c.call("createNat", { interfaceId: t(VM2.id), natIp: ipv4(VIP), minPort: 100, maxPort: 200 }),
      ),
    ).toBe(StatusCode.DNAT_EXISTS);
    await c.call("deleteVip", { interfaceId: t(VM1.id) });
    // No VIP for an interface without IPv4.
    await createVm(c, { ...VM4, ip: "0.0.0.0" });
    expect(code(await c.call("createVip", { interfaceId: t(VM4.id), vipIp: ipv4(VIP) }))).toBe(
      StatusCode.BAD_IPVER,
    );
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });

  it("lets a NAT IP become a VIP once the NAT is gone", async () => {
    const c = dp.client;
    await c.call("createNat", { interfaceId: t(VM1.id), natIp: ipv4(VIP), minPort: 100, maxPort: 200 });
    await c.call("deleteNat", { interfaceId: t(VM1.id) });
    expect(code(await c.call("createVip", { interfaceId: t(VM1.id), vipIp: ipv4(VIP) }))).toBe(0);
    expect(code(await c.call("deleteVip", { interfaceId: t(VM1.id) }))).toBe(0);
    expect(code(await c.call("getVip", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
    expect(code(await c.call("getNat", { interfaceId: t(VM1.id) }))).toBe(StatusCode.SNAT_NO_DATA);
  });
});
