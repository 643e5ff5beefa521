import { controllerOf } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { PrefixObject } from "../kinds/prefix.js";
import { ephemeralManagedByAnnotation, ephemeralPrefixOwnerNames } from "./ephemeral.js";
import { desiredLoadBalancerPrefixes } from "./loadBalancerEphemeralPrefixReconciler.js";
import { mergePatch } from "./refs.js";
import { find, names, ns, refs, rootPrefix, settled, startTestApi, type TestApi } from "./testSupport.js";

const template = (parent: string) => ({ prefixTemplate: { spec: { parentRef: { name: parent } } } });

function nicWithPrefixes(name: string, routed: number): NetworkInterfaceObject {
  return {
    apiVersion: refs.NetworkInterface.apiVersion,
    kind: refs.NetworkInterface.kind,
    metadata: { namespace: ns, name },
    spec: {
      networkRef: { name: "network-sample" },
      // The index counts every entry: the ephemeral IPv4 second is Prefix <nic>-1.
      ipFamilies: ["IPv6", "IPv4"],
      ips: [{ value: "fd00::1" }, { ephemeral: template("ips") }],
      prefixes: Array.from({ length: routed }, () => ({
        ephemeral: {
          prefixTemplate: { spec: { ipFamily: "IPv4", prefixLength: 28, parentRef: { name: "routed" } } },
        },
      })),
    },
  };
}

describe("ephemeralPrefixOwnerNames", () => {
  it("reads both naming schemes", () => {
    expect(ephemeralPrefixOwnerNames("nic-0")).toEqual(["nic"]);
    expect(ephemeralPrefixOwnerNames("nic-pf-2")).toEqual(["nic", "nic-pf"]);
    expect(ephemeralPrefixOwnerNames("root")).toEqual([]);
  });
});

describe("desiredLoadBalancerPrefixes", () => {
  it("names them <lb>-<i> by position", () => {
    const lb: LoadBalancerObject = {
      apiVersion: refs.LoadBalancer.apiVersion,
      kind: refs.LoadBalancer.kind,
      metadata: { namespace: ns, name: "ilb", uid: "uid-ilb" },
      spec: { type: "Internal", ips: [{ value: "fd00::9" }, { ephemeral: template("ips") }] },
    };
    expect([...desiredLoadBalancerPrefixes(lb).keys()]).toEqual(["ilb-1"]);
  });
});

describe("networkinterfaceephemeralprefix, loadbalancerephemeralprefix", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
    await test.client.create(rootPrefix("ips", "10.0.0.0/24"));
    await test.client.create(rootPrefix("routed", "10.1.0.0/16"));
  });
  afterAll(async () => {
    await test.stop();
  });

  const get = (name: string) => find<PrefixObject>(test.client, refs.Prefix, ns, name);

  it("creates <nic>-<i> and <nic>-pf-<i> Prefixes controlled by the NIC", async () => {
    const nic = await test.client.create<NetworkInterfaceObject>(nicWithPrefixes("nic", 2));
    await eventually(async () =>
      expect(await names(test.client, refs.Prefix, ns)).toEqual([
        "ips",
        "nic-1",
        "nic-pf-0",
        "nic-pf-1",
        "routed",
      ]),
    );
    for (const name of ["nic-1", "nic-pf-0", "nic-pf-1"]) {
      const p = (await get(name))!;
      expect(controllerOf(p)).toMatchObject({ kind: "NetworkInterface", uid: nic.metadata.uid });
      expect(p.metadata.annotations?.[ephemeralManagedByAnnotation]).toBe("ephemeral-manager");
    }
    await eventually(async () => expect((await get("nic-pf-1"))?.status?.phase).toBe("Allocated"));
  });

  it("deletes a routed prefix the NIC no longer asks for (upstream quirk fixed)", async () => {
    const current = (await find<NetworkInterfaceObject>(test.client, refs.NetworkInterface, ns, "nic"))!;
    await test.client.patch(
      refs.NetworkInterface,
      ns,
      "nic",
      mergePatch({
        spec: { prefixes: current.spec!.prefixes!.slice(0, 1) },
      }),
    );
    await eventually(async () => expect(await get("nic-pf-1")).toBeUndefined());
    expect(await get("nic-pf-0")).toBeDefined();
  });

  it("creates <lb>-<i> Prefixes for an Internal LoadBalancer, gone with it", async () => {
    const lb = await test.client.create<LoadBalancerObject>({
      apiVersion: refs.LoadBalancer.apiVersion,
      kind: refs.LoadBalancer.kind,
      metadata: { namespace: ns, name: "ilb" },
      spec: {
        type: "Internal",
        ipFamilies: ["IPv4"],
        ips: [{ ephemeral: template("ips") }],
        networkRef: { name: "network-sample" },
      },
    });
    const p = await eventually(async () => {
      const got = await get("ilb-0");
      expect(got?.status?.phase).toBe("Allocated");
      return got!;
    });
    expect(controllerOf(p)).toMatchObject({ kind: "LoadBalancer", uid: lb.metadata.uid });
    await test.client.delete(refs.LoadBalancer, ns, "ilb");
    await eventually(async () => expect(await get("ilb-0")).toBeUndefined());
  });

  it("Prefixes go with their NIC", async () => {
    await test.client.delete(refs.NetworkInterface, ns, "nic");
    await eventually(async () =>
      expect(await names(test.client, refs.Prefix, ns)).toEqual(["ips", "routed"]),
    );
    await settled(test.client);
    expect((await get("ips"))?.status?.used).toBeUndefined();
  });
});
