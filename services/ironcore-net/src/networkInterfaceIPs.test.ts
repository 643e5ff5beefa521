import { GrpcCode } from "@ironcore-ts/apimachinery";
import type { ResourceClient } from "@ironcore-ts/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apinetRefs } from "./apinet.js";
import type { RunningIronCoreNet } from "./server.js";
import { countAll, network, nic, startTestNet } from "./testSupport.js";

describe("NetworkInterface IPs are unique within a network", () => {
  let net: RunningIronCoreNet;
  let client: ResourceClient;
  beforeAll(async () => {
    ({ net, client } = await startTestNet());
    await client.create(network("net-a"));
    await client.create(network("net-b"));
  });
  afterAll(() => net.stop());

  it("refuses a second NIC with a taken IP, naming the field and the holder", async () => {
    await client.create(nic("nic-a", "net-a", { ips: ["10.0.0.1", "fd00::1"] }));
    const claims = await client.list(apinetRefs.NetworkIPClaim);
    expect(claims.items.map((c) => c.metadata.name).sort()).toEqual([
      "net-a.10.0.0.1",
      "net-a.fd00-0000-0000-0000-0000-0000-0000-0001",
    ]);

    const err = await client
      .create(nic("nic-b", "net-a", { ips: ["10.0.0.2", "fd00:0::1"] }))
      .catch((e) => e);
    expect(err).toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringContaining(
        'spec.ips[1]: Invalid value: "fd00::1": IP fd00::1 is already used by NetworkInterface "nic-a" in network "net-a"',
      ),
    });
    // All or nothing: the free IP of the refused NIC was not kept.
    expect((await client.list(apinetRefs.NetworkIPClaim)).items).toHaveLength(2);
  });

  it("allows the same IP in another network, and reuse once the holder is gone", async () => {
    await client.create(nic("nic-c", "net-b", { ips: ["10.0.0.1"] }));
    await client.delete(apinetRefs.NetworkInterface, "default", "nic-a");
    await client.create(nic("nic-d", "net-a", { ips: ["10.0.0.1"] }));
    for (const name of ["nic-c", "nic-d"]) await client.delete(apinetRefs.NetworkInterface, "default", name);
    for (const name of ["net-a", "net-b"]) await client.delete(apinetRefs.Network, "default", name);
    expect(await countAll(client)).toEqual({});
  });

  it("handles concurrent NICs asking for the same IP: exactly one wins", async () => {
    await client.create(network("race"));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client.create(nic(`racer-${i}`, "race", { ips: ["10.1.0.1"] }))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const nics = await client.list(apinetRefs.NetworkInterface);
    for (const n of nics.items)
      await client.delete(apinetRefs.NetworkInterface, "default", n.metadata.name ?? "");
    await client.delete(apinetRefs.Network, "default", "race");
    expect(await countAll(client)).toEqual({});
  });
});
