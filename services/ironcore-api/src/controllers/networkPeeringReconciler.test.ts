import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkObject } from "../kinds/network.js";
import { seedNetwork, seedNetwork2 } from "../kinds/testdata.js";
import { desiredIncomingPeerings } from "./networkPeeringReconciler.js";
import {
  find,
  markNetworkAvailable,
  network,
  ns,
  refs,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

function withState(net: NetworkObject, uid: string, state?: string): NetworkObject {
  return {
    ...net,
    metadata: { ...net.metadata, namespace: "default", uid },
    status: state ? { state } : undefined,
  };
}

describe("desiredIncomingPeerings", () => {
  const a = withState(seedNetwork(), "uid-a", "Available");
  const b = withState(seedNetwork2(), "uid-b", "Available");
  const lookup = (nets: NetworkObject[]) => (key: string) =>
    nets.find((n) => `default/${n.metadata.name}` === key);

  it("lists a mutually declared, Available peer", () => {
    expect(desiredIncomingPeerings(a, lookup([a, b]))).toEqual([
      { namespace: "default", name: "network-sample2", uid: "uid-b" },
    ]);
  });

  it("lists nothing for a peer that is not Available, missing, one-sided, or being deleted", () => {
    expect(desiredIncomingPeerings(a, lookup([a, withState(seedNetwork2(), "uid-b", "Pending")]))).toEqual(
      [],
    );
    expect(desiredIncomingPeerings(a, lookup([a]))).toEqual([]);
    const oneSided = withState({ ...seedNetwork2(), spec: {} }, "uid-b", "Available");
    expect(desiredIncomingPeerings(a, lookup([a, oneSided]))).toEqual([]);
    const deleting = withState(seedNetwork2(), "uid-b", "Available");
    deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    expect(desiredIncomingPeerings(a, lookup([a, deleting]))).toEqual([]);
  });
});

describe("networkpeering, networkrelease", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const get = (name: string, namespace = ns) =>
    find<NetworkObject>(test.client, refs.Network, namespace, name);

  it("gives two mutually peered networks (the seed examples) each other's incomingPeerings once both are Available", async () => {
    const a = await test.client.create<NetworkObject>({
      ...seedNetwork(),
      metadata: { namespace: ns, name: "network-sample" },
    });
    const b = await test.client.create<NetworkObject>({
      ...seedNetwork2(),
      metadata: { namespace: ns, name: "network-sample2" },
    });

    // Only one side Available: nothing yet.
    await markNetworkAvailable(test.client, "network-sample");
    await settled(test.client);
    expect((await get("network-sample"))?.spec?.incomingPeerings).toBeUndefined();
    expect((await get("network-sample2"))?.spec?.incomingPeerings).toBeUndefined();

    await markNetworkAvailable(test.client, "network-sample2");
    await eventually(async () => {
      expect((await get("network-sample"))?.spec?.incomingPeerings).toEqual([
        { namespace: ns, name: "network-sample2", uid: b.metadata.uid },
      ]);
      expect((await get("network-sample2"))?.spec?.incomingPeerings).toEqual([
        { namespace: ns, name: "network-sample", uid: a.metadata.uid },
      ]);
    });
  });

  it("gives a one-sided peering none", async () => {
    await test.client.create(network("lonely", ["target"]));
    await test.client.create(network("target"));
    await markNetworkAvailable(test.client, "lonely");
    await markNetworkAvailable(test.client, "target");
    await settled(test.client);
    expect((await get("lonely"))?.spec?.incomingPeerings).toBeUndefined();
    expect((await get("target"))?.spec?.incomingPeerings).toBeUndefined();
  });

  it("peers across namespaces when the reference names the namespace", async () => {
    const x = await test.client.create<NetworkObject>({
      ...network("x"),
      spec: { peerings: [{ name: "to-y", networkRef: { namespace: "other", name: "y" } }] },
    });
    const y = await test.client.create<NetworkObject>({
      ...network("y", [], "other"),
      spec: { peerings: [{ name: "to-x", networkRef: { namespace: ns, name: "x" } }] },
    });
    await markNetworkAvailable(test.client, "x");
    await markNetworkAvailable(test.client, "y", "other");
    await eventually(async () => {
      expect((await get("x"))?.spec?.incomingPeerings).toEqual([
        { namespace: "other", name: "y", uid: y.metadata.uid },
      ]);
      expect((await get("y", "other"))?.spec?.incomingPeerings).toEqual([
        { namespace: ns, name: "x", uid: x.metadata.uid },
      ]);
    });
  });

  it("lets a mutually peered network be deleted, and its peer drops the claim", async () => {
    // Both claim each other (first test); protection must not deadlock on the mutual claim.
    await test.client.delete(refs.Network, ns, "network-sample2");
    await eventually(async () => {
      expect(await get("network-sample2")).toBeUndefined();
      expect((await get("network-sample"))?.spec?.incomingPeerings).toBeUndefined();
    });
  });

  it("networkrelease drops claims of networks that are going, even on a network that is not Available, so they can go", async () => {
    const gone = await test.client.create<NetworkObject>(network("gone"));
    // A stale claim, as left behind when the claimer stopped being Available before its peer went.
    await test.client.create<NetworkObject>({
      ...network("claimer"),
      spec: { incomingPeerings: [{ namespace: ns, name: "gone", uid: gone.metadata.uid }] },
    });
    await settled(test.client);
    expect((await get("claimer"))?.spec?.incomingPeerings).toHaveLength(1);
    await test.client.delete(refs.Network, ns, "gone");
    await eventually(async () => expect((await get("claimer"))?.spec?.incomingPeerings).toBeUndefined());
  });
});
