import { controllerOf } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import { ephemeralManagedByAnnotation } from "./ephemeral.js";
import { desiredEphemeralVirtualIP } from "./networkInterfaceEphemeralVirtualIPReconciler.js";
import {
  find,
  networkInterface,
  ns,
  refs,
  settled,
  startTestApi,
  type TestApi,
  virtualIP,
} from "./testSupport.js";

function nicWithVip(name: string, reclaimPolicy?: "Retain" | "Delete"): NetworkInterfaceObject {
  const nic = networkInterface(name);
  nic.spec!.virtualIP = {
    ephemeral: {
      virtualIPTemplate: {
        metadata: { labels: { exposure: "public" } },
        spec: { type: "Public", ipFamily: "IPv4", reclaimPolicy },
      },
    },
  };
  return nic;
}

describe("desiredEphemeralVirtualIP", () => {
  it("is named like the NIC, claimed by it, and controlled by it unless Retain", () => {
    const nic = { ...nicWithVip("n"), metadata: { namespace: ns, name: "n", uid: "uid-n" } };
    const vip = desiredEphemeralVirtualIP(nic)!;
    expect(vip.metadata.name).toBe("n");
    expect(vip.spec).toEqual({ type: "Public", ipFamily: "IPv4", targetRef: { name: "n", uid: "uid-n" } });
    expect(vip.metadata.labels).toEqual({ exposure: "public" });
    expect(controllerOf(vip)?.uid).toBe("uid-n");
    const retained = desiredEphemeralVirtualIP({ ...nicWithVip("n", "Retain"), metadata: nic.metadata })!;
    expect(retained.metadata.ownerReferences).toBeUndefined();
    expect(
      desiredEphemeralVirtualIP({ ...networkInterface("plain"), metadata: nic.metadata }),
    ).toBeUndefined();
  });
});

describe("networkinterfaceephemeralvirtualip", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const getVip = (name: string) => find<VirtualIPObject>(test.client, refs.VirtualIP, ns, name);

  it("creates the VIP <nic> claimed by and controlled by the NIC", async () => {
    const nic = await test.client.create<NetworkInterfaceObject>(nicWithVip("nic-a"));
    const vip = await eventually(async () => {
      const v = await getVip("nic-a");
      expect(v).toBeDefined();
      return v!;
    });
    expect(vip.spec?.targetRef).toEqual({ name: "nic-a", uid: nic.metadata.uid });
    expect(controllerOf(vip)).toMatchObject({
      kind: "NetworkInterface",
      name: "nic-a",
      uid: nic.metadata.uid,
    });
    expect(vip.metadata.annotations?.[ephemeralManagedByAnnotation]).toBe("ephemeral-manager");
    expect(vip.metadata.labels).toEqual({ exposure: "public" });
  });

  it("patches the controller reference in on Retain -> Delete, and out on Delete -> Retain", async () => {
    const nic = await test.client.create<NetworkInterfaceObject>(nicWithVip("nic-r", "Retain"));
    await eventually(async () =>
      expect((await getVip("nic-r"))?.spec?.targetRef?.uid).toBe(nic.metadata.uid),
    );
    expect((await getVip("nic-r"))?.metadata.ownerReferences).toBeUndefined();

    await test.client.patch(refs.NetworkInterface, ns, "nic-r", {
      spec: {
        virtualIP: {
          ephemeral: {
            virtualIPTemplate: { spec: { type: "Public", ipFamily: "IPv4", reclaimPolicy: "Delete" } },
          },
        },
      },
    });
    await eventually(async () => expect(controllerOf((await getVip("nic-r"))!)?.uid).toBe(nic.metadata.uid));

    await test.client.patch(refs.NetworkInterface, ns, "nic-r", {
      spec: {
        virtualIP: {
          ephemeral: {
            virtualIPTemplate: { spec: { type: "Public", ipFamily: "IPv4", reclaimPolicy: "Retain" } },
          },
        },
      },
    });
    await eventually(async () => expect((await getVip("nic-r"))?.metadata.ownerReferences).toBeUndefined());
  });

  it("deletes the VIP when the NIC no longer asks for an ephemeral one", async () => {
    await test.client.patch(refs.NetworkInterface, ns, "nic-a", { spec: { virtualIP: null } });
    await eventually(async () => expect(await getVip("nic-a")).toBeUndefined());
  });

  it("never adopts a user's VIP of the wanted name", async () => {
    const mine = await test.client.create<VirtualIPObject>(virtualIP("nic-b"));
    await test.client.create(nicWithVip("nic-b"));
    await settled(test.client);
    const after = (await getVip("nic-b"))!;
    expect(after.metadata.resourceVersion).toBe(mine.metadata.resourceVersion);
    expect(after.spec?.targetRef).toBeUndefined();
  });
});
