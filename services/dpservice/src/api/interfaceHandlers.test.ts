import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { s, t } from "../testing/dpdkTestClient.js";
import {
  createVm,
  startTestDpservice,
  type TestDpservice,
  VFS,
  VM1,
  VM4,
} from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const status = (code: number) => expect.objectContaining({ code });

describe("interfaces: create -> get -> list -> duplicate -> delete -> delete again -> re-create", () => {
  it("returns the reference's codes at every step", async () => {
    const c = dp.client;
    const created = await createVm(c, VM4);
    expect(created.status).toEqual({ $typeName: "dpdkironcore.v1.Status", code: 0, message: "Success" });
    const underlay = s(created.underlayRoute);
    expect(underlay).toMatch(/^fc00:1::d000:/);
    expect(created.vf?.name).toBe(VM4.vf);

    const got = await c.call("getInterface", { interfaceId: t(VM4.id) });
    expect(got.status?.code).toBe(0);
    expect(got.interface).toMatchObject({ vni: VM4.vni, pciName: VM4.vf, hostname: "" });
    expect(s(got.interface?.id)).toBe(VM4.id);
    expect(s(got.interface?.primaryIpv4)).toBe(VM4.ip);
    expect(s(got.interface?.primaryIpv6)).toBe(VM4.ipv6);
    expect(s(got.interface?.underlayRoute)).toBe(underlay);
    expect(got.interface?.meteringParams).toMatchObject({ totalRate: 0n, publicRate: 0n });

    const listed = await c.call("listInterfaces", {});
    expect(listed.interfaces.map((i) => s(i.id))).toEqual(["vm1", "vm2", "vm3", "vm4"]);

    expect((await createVm(c, VM4)).status).toEqual(status(StatusCode.ALREADY_EXISTS));
    expect((await c.call("deleteInterface", { interfaceId: t(VM4.id) })).status).toEqual(status(0));
    expect((await c.call("getInterface", { interfaceId: t(VM4.id) })).status).toEqual(
      expect.objectContaining({ code: StatusCode.NOT_FOUND, message: "NOT_FOUND" }),
    );
    expect((await c.call("deleteInterface", { interfaceId: t(VM4.id) })).status).toEqual(
      status(StatusCode.NOT_FOUND),
    );
    expect((await createVm(c, VM4)).status).toEqual(status(0));
    expect((await c.call("deleteInterface", { interfaceId: t(VM4.id) })).status).toEqual(status(0));
    expect(dp.service.state.vfs.find(VM4.vf)?.iface).toBeUndefined();
  });
});

describe("interface errors", () => {
  it("reports unknown devices, taken devices, taken ids and IPs already routed in the VNI", async () => {
    const c = dp.client;
    expect((await createVm(c, { ...VM4, vf: "invalid" })).status).toEqual(status(StatusCode.NOT_FOUND));
    expect((await createVm(c, { ...VM4, vf: VM1.vf })).status).toEqual(status(StatusCode.ALREADY_EXISTS));
    expect((await createVm(c, { ...VM4, id: VM1.id })).status).toEqual(status(StatusCode.VM_HANDLE));
    expect((await createVm(c, { ...VM4, ip: "1.2.3.4", ipv6: VM1.ipv6 })).status).toEqual(
      status(StatusCode.ROUTE_EXISTS),
    );
    expect((await createVm(c, { ...VM4, ip: VM1.ip, ipv6: "1234::" })).status).toEqual(
      status(StatusCode.ROUTE_EXISTS),
    );
    // Everything was rolled back: the same VF, id and addresses work now.
    expect((await createVm(c, { ...VM4, ip: "1.2.3.4", ipv6: "1234::" })).status).toEqual(status(0));
    expect((await c.call("deleteInterface", { interfaceId: t(VM4.id) })).status).toEqual(status(0));
    // The same addresses as VM1 in another VNI are fine.
    expect((await createVm(c, { ...VM4, vni: VM1.vni + 1, ip: VM1.ip, ipv6: VM1.ipv6 })).status).toEqual(
      status(0),
    );
    expect((await c.call("deleteInterface", { interfaceId: t(VM4.id) })).status).toEqual(status(0));
    expect(dp.service.state.vnis.has(VM1.vni + 1)).toBe(false);
    expect(dp.service.state.underlays.size).toBe(3);
  });

  it("rejects malformed input with INVALID_ARGUMENT and upstream's texts", async () => {
    const c = dp.client;
    const invalid = async (overrides: Partial<Parameters<typeof createVm>[1]>, details: string) =>
      expect(await c.failure("createInterface", request({ ...VM4, ...overrides }))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details,
      });
    await invalid({ id: "bad id!" }, "Invalid interface_id");
    await invalid({ id: "x".repeat(64) }, "Invalid interface_id");
    await invalid({ id: "" }, "Invalid interface_id");
    await invalid({ ip: "10.0.0.256" }, "Invalid ipv4_config.primary_address");
    await invalid({ ipv6: "2000::1::2" }, "Invalid ipv6_config.primary_address");
    await invalid(
      { ip: "0.0.0.0", ipv6: "::" },
      "Invalid ipv4_config.primary_address and ipv6_config.primary_address combination",
    );
    expect(
      await c.failure("createInterface", {
        ...request(VM4),
        pxeConfig: { nextServer: "nope", bootFilename: "x" },
      }),
    ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: "Invalid pxe_config.next_server" });
    expect(await c.failure("getInterface", { interfaceId: t("") })).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "Invalid interface_id",
    });
  });

  it("accepts ids of exactly 63 characters", async () => {
    const id = "a".repeat(63);
    expect((await createVm(dp.client, { ...VM4, id })).status).toEqual(status(0));
    expect((await dp.client.call("deleteInterface", { interfaceId: t(id) })).status).toEqual(status(0));
  });
});

describe("interface families", () => {
  it("disables a family given as 0.0.0.0 or :: and reports it that way", async () => {
    const c = dp.client;
    expect((await createVm(c, { ...VM4, ipv6: "::" })).status).toEqual(status(0));
    const got = await c.call("getInterface", { interfaceId: t(VM4.id) });
    expect(s(got.interface?.primaryIpv6)).toBe("::");
    expect(dp.service.state.interfaces.get(VM4.id)?.ipv6).toBeUndefined();
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });
});

describe("devices", () => {
  it("accepts upstream representor names and picks a free VF for an empty device name", async () => {
    const c = dp.client;
    const byRepresentor = await createVm(c, { ...VM4, vf: "0000:3b:00.0_representor_vf5" });
    expect(byRepresentor.vf?.name).toBe(VFS[5]);
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
    const picked = await createVm(c, { ...VM4, vf: "" });
    expect(picked.vf?.name).toBe(VFS[3]);
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });

  it("stores metering and hostname, and refuses a public rate above the total", async () => {
    const c = dp.client;
    const res = await c.call("createInterface", {
      ...request(VM4),
      meteringParameters: { totalRate: 1000n, publicRate: 100n },
      hostname: "vm4.example",
    });
    expect(res.status?.code).toBe(0);
    const got = await c.call("getInterface", { interfaceId: t(VM4.id) });
    expect(got.interface).toMatchObject({
      hostname: "vm4.example",
      meteringParams: { totalRate: 1000n, publicRate: 100n },
    });
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
    const bad = await c.call("createInterface", {
      ...request(VM4),
      meteringParameters: { totalRate: 10n, publicRate: 100n },
    });
    expect(bad.status?.code).toBe(StatusCode.PORT_METER);
  });
});

describe("preferred underlay", () => {
  it("accepts an address in the node /64 with the external flag, and reports VNF_INSERT on a collision", async () => {
    const c = dp.client;
    const preferred = "fc00:1::8000:0:1";
    const res = await createVm(c, VM4, { preferredUnderlayRoute: preferred });
    expect(res.status?.code).toBe(0);
    expect(s(res.underlayRoute)).toBe(preferred);

    const res2 = await c.call("createVip", {
      interfaceId: t(VM1.id),
      vipIp: { ipver: 0, address: t("45.86.6.7") },
      preferredUnderlayRoute: t(preferred),
    });
    expect(res2.status).toEqual(
      expect.objectContaining({ code: StatusCode.VNF_INSERT, message: "VNF_INSERT" }),
    );
    expect((await c.call("getVip", { interfaceId: t(VM1.id) })).status?.code).toBe(StatusCode.SNAT_NO_DATA);
    await c.call("deleteInterface", { interfaceId: t(VM4.id) });
  });

  it("rejects an address outside the node /64 or without the flag", async () => {
    for (const bad of ["fc00:2::8000:0:1", "fc00:1::1", "not-an-ip", "10.0.0.1"]) {
      expect(await dp.client.failure("createInterface", request(VM4, bad))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: "Invalid preferred_underlay_route",
      });
    }
  });
});

function request(vm: typeof VM4, preferredUnderlayRoute = "") {
  return {
    interfaceId: t(vm.id),
    vni: vm.vni,
    deviceName: vm.vf,
    ipv4Config: { primaryAddress: t(vm.ip) },
    ipv6Config: { primaryAddress: t(vm.ipv6) },
    preferredUnderlayRoute: t(preferredUnderlayRoute),
  };
}
