import { collectionOf } from "@ironcore-ts/apiserver";
import type { ResourceClient } from "@ironcore-ts/client";
import { MemoryStore } from "@ironcore-ts/store";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apinetGroup, apinetRefs } from "./apinet.js";
import type { RunningIronCoreNet } from "./server.js";
import { countAll, network, nic, publicIP, specOf, startTestNet } from "./testSupport.js";

/**
 * A process can die between a write and its release hook; these tests skip the hooks by
 * deleting objects straight from the store and check that the garbage collectors repair it.
 */
describe("claim garbage collection", () => {
  const store = new MemoryStore();
  let net: RunningIronCoreNet;
  let client: ResourceClient;
  const deleteBehindTheServersBack = (plural: string, key: string) =>
    store.delete(collectionOf({ group: apinetGroup, plural }), key);

  beforeAll(async () => {
    ({ net, client } = await startTestNet(
      { claimGracePeriodMs: 200, publicPrefixes: ["203.0.113.0/28", "2001:db8:ff::/124"] },
      { store },
    ));
  });
  afterAll(async () => {
    await net.stop();
    await store.close();
  });

  it("networkidgc removes the NetworkID of a Network that vanished without its hook", async () => {
    const created = await client.create(network("orphan"));
    const id = specOf(created).id ?? "";
    await deleteBehindTheServersBack("networks", "default/orphan");
    await eventually(async () => {
      expect((await client.list(apinetRefs.NetworkID)).items.map((c) => c.metadata.name)).not.toContain(id);
    });
  });

  it("ipaddressgc removes an IPAddress (protection finalizer and all) whose IP vanished", async () => {
    const ip = await client.create(publicIP("orphan-ip", { ipFamily: "IPv4" }));
    await deleteBehindTheServersBack("ips", "default/orphan-ip");
    await eventually(async () => {
      expect((await client.list(apinetRefs.IPAddress)).items.map((c) => c.metadata.name)).not.toContain(
        specOf(ip).ip,
      );
    });
  });

  it("repairs a NIC that vanished: controlled IP deleted, claimed IP released, IP claims freed", async () => {
    await client.create(network("gcnet"));
    const vip = await client.create(publicIP("gc-vip", { ipFamily: "IPv4" }));
    await client.create(
      nic("gc-nic", "gcnet", {
        ips: ["10.0.0.1"],
        publicIPs: [
          { name: "vip", ip: specOf(vip).ip },
          { name: "own", ipFamily: "IPv6" },
        ],
      }),
    );
    expect((await client.list(apinetRefs.IP)).items).toHaveLength(2);
    await deleteBehindTheServersBack("networkinterfaces", "default/gc-nic");
    await eventually(async () => {
      const ips = (await client.list(apinetRefs.IP)).items;
      expect(ips.map((i) => i.metadata.name)).toEqual(["gc-vip"]);
      expect(specOf(ips[0]!).claimRef).toBeUndefined();
      expect((await client.list(apinetRefs.NetworkIPClaim)).items).toEqual([]);
    });
    await client.delete(apinetRefs.IP, "default", "gc-vip");
    await client.delete(apinetRefs.Network, "default", "gcnet");
    await eventually(async () => expect(await countAll(client)).toEqual({}));
  });

  it("reclaims an orphaned claim at once when someone asks for it explicitly", async () => {
    const created = await client.create(network("first", { id: "5000" }));
    await deleteBehindTheServersBack("networks", "default/first");
    await new Promise((r) => setTimeout(r, 250)); // past the grace period, maybe before the GC
    const second = await client.create(network("second", { id: "5000" }));
    expect(specOf(second).id).toBe(specOf(created).id);
    await client.delete(apinetRefs.Network, "default", "second");
    await eventually(async () => expect(await countAll(client)).toEqual({}));
  });
});
