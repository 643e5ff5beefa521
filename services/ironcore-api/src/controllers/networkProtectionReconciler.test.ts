import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkObject } from "../kinds/network.js";
import { networkFinalizer } from "./networkProtectionReconciler.js";
import {
  find,
  loadBalancer,
  network,
  networkInterface,
  ns,
  refs,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

describe("networkprotection", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const get = (name: string) => find<NetworkObject>(test.client, refs.Network, ns, name);

  it("puts its finalizer on every network", async () => {
    await test.client.create(network("protected"));
    await eventually(async () =>
      expect((await get("protected"))?.metadata.finalizers).toEqual([networkFinalizer]),
    );
  });

  it("keeps a network with a NIC until the NIC is deleted", async () => {
    await test.client.create(network("network-sample"));
    await test.client.create(networkInterface("nic-1", { network: "network-sample" }));
    await eventually(async () =>
      expect((await get("network-sample"))?.metadata.finalizers).toContain(networkFinalizer),
    );

    await test.client.delete(refs.Network, ns, "network-sample");
    await settled(test.client);
    const deleting = await get("network-sample");
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect(deleting?.metadata.finalizers).toEqual([networkFinalizer]);

    await test.client.delete(refs.NetworkInterface, ns, "nic-1");
    await eventually(async () => expect(await get("network-sample")).toBeUndefined());
  });

  it("keeps a network with a LoadBalancer, and only removes its own finalizer", async () => {
    await test.client.create(network("lb-net"));
    await test.client.create({
      ...loadBalancer("lb-1"),
      spec: { ...loadBalancer("lb-1").spec, networkRef: { name: "lb-net" } },
    });
    await eventually(async () =>
      expect((await get("lb-net"))?.metadata.finalizers).toEqual([networkFinalizer]),
    );
    // Another controller's finalizer (apinetlet's) is kept, whatever we do with ours.
    const current = (await get("lb-net"))!;
    await test.client.patch(refs.Network, ns, "lb-net", {
      metadata: { finalizers: [...(current.metadata.finalizers ?? []), "apinet.ironcore.dev/network"] },
    });
    await test.client.delete(refs.Network, ns, "lb-net");
    await settled(test.client);
    expect((await get("lb-net"))?.metadata.finalizers).toEqual([
      networkFinalizer,
      "apinet.ironcore.dev/network",
    ]);

    await test.client.delete(refs.LoadBalancer, ns, "lb-1");
    await eventually(async () =>
      expect((await get("lb-net"))?.metadata.finalizers).toEqual(["apinet.ironcore.dev/network"]),
    );
    await test.client.patch(refs.Network, ns, "lb-net", { metadata: { finalizers: null } });
    await eventually(async () => expect(await get("lb-net")).toBeUndefined());
  });

  it("deletes an unused network right away", async () => {
    await test.client.create(network("unused"));
    await eventually(async () =>
      expect((await get("unused"))?.metadata.finalizers).toEqual([networkFinalizer]),
    );
    await test.client.delete(refs.Network, ns, "unused");
    await eventually(async () => expect(await get("unused")).toBeUndefined());
  });
});
