/**
 * The controllers together, as a user drives them: ironcore-api on a Redis store, every object
 * written and read over real gRPC, apinetlet's part (network and NIC status) played by the test.
 * Then idempotency (reconciling everything again writes nothing) and a restart on the same
 * keyspace (a new server re-syncs and converges without duplicates, including changes made while
 * no controller ran).
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { RedisStore } from "@ironcore-ts/store";
import { eventually, redisService, uniquePrefix } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadBalancerRoutingObject } from "../kinds/loadBalancerRouting.js";
import type { MachineObject } from "../kinds/machine.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { PrefixObject } from "../kinds/prefix.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import { networkFinalizer } from "./networkProtectionReconciler.js";
import { mergePatch } from "./refs.js";
import {
  childPrefix,
  find,
  loadBalancer,
  machine,
  machinePool,
  machinePoolStatus,
  markNetworkAvailable,
  markNicAvailable,
  names,
  network,
  ns,
  reconcileEverything,
  refs,
  rootPrefix,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

const redis = await redisService();

/** Every object of every kind the controllers touch: `Kind ns/name` -> `uid@resourceVersion`. */
async function snapshot(test: TestApi): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const ref of Object.values(refs)) {
    for (const obj of (await test.client.list<ApiObject>(ref)).items) {
      out[`${ref.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name}`] =
        `${obj.metadata.uid}@${obj.metadata.resourceVersion}`;
    }
  }
  return out;
}

describe.skipIf(!redis)("ironcore controllers over gRPC, on Redis", () => {
  const keyPrefix = uniquePrefix("ironcore-controllers");
  const stores: RedisStore[] = [];
  let test: TestApi;

  const openStore = () => {
    const store = new RedisStore({ url: redis!.url, keyPrefix });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    test = await startTestApi({ store: openStore() });
  });
  afterAll(async () => {
    await test?.stop();
    for (const s of stores) await s.close();
  });

  const get = <T extends ApiObject>(
    ref: (typeof refs)[keyof typeof refs],
    name: string,
    namespace: string | undefined = ns,
  ) => find<T>(test.client, ref, namespace, name);

  it("converges the e2e samples: ephemeral resources, peering, load balancing, ipam, scheduling", async () => {
    const { client } = test;
    await client.create(network("network-sample", ["network-sample2"]));
    await client.create(network("network-sample2", ["network-sample"]));
    await client.create(machinePool("pool-1"));
    await client.patch(
      refs.MachinePool,
      undefined,
      "pool-1",
      mergePatch({ status: machinePoolStatus({ allocatable: { "machineclass-sample": "4" } }) }),
      { status: true },
    );
    await client.create(
      machine("machine-sample1", [
        { name: "primary", ip: "10.0.0.1", vip: "Delete", labels: { app: "web" } },
      ]),
    );
    await client.create(
      machine("machine-sample2", [
        { name: "primary", ip: "10.0.0.2", vip: "Retain", labels: { app: "web" } },
      ]),
    );
    await client.create(loadBalancer("loadbalancer-sample", { app: "web" }));
    await client.create(rootPrefix("root-1", "10.0.0.0/8", { "subnet-type": "public" }));
    for (const name of ["customer-subnet-1", "customer-subnet-2"]) {
      await client.create(
        childPrefix(name, {
          ipFamily: "IPv4",
          prefixLength: 9,
          parentSelector: { matchLabels: { "subnet-type": "public" } },
        }),
      );
    }

    // apinetlet's part: networks and NICs become Available.
    await markNetworkAvailable(client, "network-sample");
    await markNetworkAvailable(client, "network-sample2");
    for (const [nic, ip] of [
      ["machine-sample1-primary", "10.0.0.1"],
      ["machine-sample2-primary", "10.0.0.2"],
    ] as const) {
      await eventually(async () => expect(await get(refs.NetworkInterface, nic)).toBeDefined());
      await markNicAvailable(client, nic, [ip]);
    }

    await eventually(async () => {
      const nic = await get<NetworkInterfaceObject>(refs.NetworkInterface, "machine-sample1-primary");
      expect(nic?.spec?.machineRef?.name).toBe("machine-sample1");
      const vip = await get<VirtualIPObject>(refs.VirtualIP, "machine-sample1-primary");
      expect(vip?.spec?.targetRef?.name).toBe("machine-sample1-primary");
      const n1 = await get<NetworkObject>(refs.Network, "network-sample");
      expect(n1?.spec?.incomingPeerings?.map((p) => p.name)).toEqual(["network-sample2"]);
      expect(n1?.metadata.finalizers).toEqual([networkFinalizer]);
      const lbr = await get<LoadBalancerRoutingObject>(refs.LoadBalancerRouting, "loadbalancer-sample");
      expect(lbr?.destinations?.map((d) => d.ip)).toEqual(["10.0.0.1", "10.0.0.2"]);
      const root = await get<PrefixObject>(refs.Prefix, "root-1");
      expect(root?.status?.used).toEqual(["10.0.0.0/9", "10.128.0.0/9"]);
      const m = await get<MachineObject>(refs.Machine, "machine-sample1");
      expect(m?.spec?.machinePoolRef).toEqual({ name: "pool-1" });
    });
  });

  it("is idempotent: reconciling everything again writes nothing", async () => {
    const before = await settled(test.client);
    const objects = await snapshot(test);
    await reconcileEverything(test);
    expect(await settled(test.client)).toBe(before);
    expect(await snapshot(test)).toEqual(objects);
  });

  it("after a restart on the same keyspace, re-syncs without writing or duplicating anything", async () => {
    await settled(test.client);
    const before = await snapshot(test);
    await test.stop();
    test = await startTestApi({ store: openStore() });
    await test.api.controllers!.waitForSync();
    await settled(test.client);
    expect(await snapshot(test)).toEqual(before);
  });

  it("after a restart, catches up with what changed while no controller ran", async () => {
    await test.stop();
    // The API alone: users keep writing while the controllers are down.
    test = await startTestApi({ store: openStore(), controllers: false });
    await test.client.delete(refs.Machine, ns, "machine-sample2");
    await test.client.create(
      machine("machine-sample3", [{ name: "primary", ip: "10.0.0.3", labels: { app: "web" } }]),
    );
    await test.stop();

    test = await startTestApi({ store: openStore() });
    await eventually(async () => {
      expect(await get(refs.NetworkInterface, "machine-sample3-primary")).toBeDefined();
      expect(await get(refs.NetworkInterface, "machine-sample2-primary")).toBeUndefined();
      // The Retain VIP of the deleted machine's NIC stays, released.
      const kept = await get<VirtualIPObject>(refs.VirtualIP, "machine-sample2-primary");
      expect(kept).toBeDefined();
      expect(kept?.spec?.targetRef).toBeUndefined();
      expect((await get<MachineObject>(refs.Machine, "machine-sample3"))?.spec?.machinePoolRef).toEqual({
        name: "pool-1",
      });
    });
    await markNicAvailable(test.client, "machine-sample3-primary", ["10.0.0.3"]);
    await eventually(async () => {
      const lbr = await get<LoadBalancerRoutingObject>(refs.LoadBalancerRouting, "loadbalancer-sample");
      expect(lbr?.destinations?.map((d) => d.ip)).toEqual(["10.0.0.1", "10.0.0.3"]);
    });
    // No duplicates: one NIC per machine entry, one VIP per ephemeral VIP asked for (plus the kept one).
    expect(await names(test.client, refs.NetworkInterface, ns)).toEqual([
      "machine-sample1-primary",
      "machine-sample3-primary",
    ]);
    expect(await names(test.client, refs.VirtualIP, ns)).toEqual([
      "machine-sample1-primary",
      "machine-sample2-primary",
    ]);
  });
});
