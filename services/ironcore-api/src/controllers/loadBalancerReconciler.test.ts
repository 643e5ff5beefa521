import { controllerOf } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { LoadBalancerRoutingObject } from "../kinds/loadBalancerRouting.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import { seedLoadBalancer } from "../kinds/testdata.js";
import {
  find,
  loadBalancer,
  markNicAvailable,
  network,
  networkInterface,
  ns,
  reconcileEverything,
  refs,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

describe("loadbalancer -> LoadBalancerRouting", () => {
  let test: TestApi;
  let net: NetworkObject;
  const nics: Record<string, NetworkInterfaceObject> = {};

  beforeAll(async () => {
    test = await startTestApi();
    net = await test.client.create<NetworkObject>(network("network-sample"));
    await test.client.create(network("elsewhere"));
    for (const [name, ip, labels, networkName] of [
      ["web-1", "10.0.0.1", { app: "web" }, "network-sample"],
      ["web-2", "10.0.0.2", { app: "web" }, "network-sample"],
      ["db-1", "10.0.0.3", { app: "db" }, "network-sample"],
      ["web-other-net", "10.0.0.4", { app: "web" }, "elsewhere"],
      ["web-pending", "10.0.0.5", { app: "web" }, "network-sample"],
    ] as const) {
      nics[name] = await test.client.create<NetworkInterfaceObject>(
        networkInterface(name, { ip, labels: { ...labels }, network: networkName }),
      );
      if (name !== "web-pending") await markNicAvailable(test.client, name, [ip]);
    }
    await test.client.patch(refs.NetworkInterface, ns, "web-1", {
      spec: { providerID: "ironcore-net://test/web-1/node-1/u1" },
    });
  });
  afterAll(async () => {
    await test.stop();
  });

  const routing = () =>
    find<LoadBalancerRoutingObject>(test.client, refs.LoadBalancerRouting, ns, "loadbalancer-sample");

  it("lists the Available NICs of the LB's network that match its selector (seed LoadBalancer)", async () => {
    const lb = await test.client.create<LoadBalancerObject>({
      ...seedLoadBalancer(),
      metadata: { namespace: ns, name: "loadbalancer-sample" },
    });
    const lbr = await eventually(async () => {
      const r = await routing();
      expect(r?.destinations).toHaveLength(2);
      return r!;
    });
    expect(controllerOf(lbr)).toMatchObject({
      kind: "LoadBalancer",
      name: "loadbalancer-sample",
      uid: lb.metadata.uid,
    });
    expect(lbr.networkRef).toEqual({ name: "network-sample", uid: net.metadata.uid });
    expect(lbr.destinations).toEqual([
      {
        ip: "10.0.0.1",
        targetRef: {
          uid: nics["web-1"]!.metadata.uid,
          name: "web-1",
          providerID: "ironcore-net://test/web-1/node-1/u1",
        },
      },
      { ip: "10.0.0.2", targetRef: { uid: nics["web-2"]!.metadata.uid, name: "web-2" } },
    ]);
  });

  it("is idempotent: reconciling everything again writes nothing", async () => {
    const before = await settled(test.client);
    await reconcileEverything(test);
    expect(await settled(test.client)).toBe(before);
  });

  it("drops a NIC whose labels stop matching, and adds one that becomes Available", async () => {
    await test.client.patch(refs.NetworkInterface, ns, "web-2", { metadata: { labels: { app: "old" } } });
    await eventually(async () =>
      expect((await routing())?.destinations?.map((d) => d.targetRef?.name)).toEqual(["web-1"]),
    );
    await markNicAvailable(test.client, "web-pending", ["10.0.0.5"]);
    await eventually(async () =>
      expect((await routing())?.destinations?.map((d) => d.targetRef?.name)).toEqual([
        "web-1",
        "web-pending",
      ]),
    );
  });

  it("drops a deleted NIC, and the routing goes with its LoadBalancer", async () => {
    await test.client.delete(refs.NetworkInterface, ns, "web-pending");
    await eventually(async () =>
      expect((await routing())?.destinations?.map((d) => d.targetRef?.name)).toEqual(["web-1"]),
    );
    await test.client.delete(refs.LoadBalancer, ns, "loadbalancer-sample");
    await eventually(async () => expect(await routing()).toBeUndefined());
  });

  it("manages no routing for a LoadBalancer without selector", async () => {
    await test.client.create(loadBalancer("external"));
    await settled(test.client);
    expect(await find(test.client, refs.LoadBalancerRouting, ns, "external")).toBeUndefined();
  });

  it("waits for the network, then writes an empty routing when nothing matches", async () => {
    await test.client.create({
      ...loadBalancer("late", { app: "nothing" }),
      spec: { ...loadBalancer("late", { app: "nothing" }).spec, networkRef: { name: "not-yet" } },
    });
    await settled(test.client);
    expect(await find(test.client, refs.LoadBalancerRouting, ns, "late")).toBeUndefined();
    const late = await test.client.create<NetworkObject>(network("not-yet"));
    await eventually(async () => {
      const r = await find<LoadBalancerRoutingObject>(test.client, refs.LoadBalancerRouting, ns, "late");
      expect(r?.networkRef).toEqual({ name: "not-yet", uid: late.metadata.uid });
      expect(r?.destinations).toBeUndefined();
    });
  });
});
