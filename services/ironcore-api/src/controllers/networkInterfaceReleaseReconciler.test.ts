import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MachineObject } from "../kinds/machine.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import {
  find,
  machine,
  networkInterface,
  ns,
  refs,
  settled,
  startTestApi,
  type TestApi,
  virtualIP,
} from "./testSupport.js";

describe("networkinterfacerelease, virtualiprelease", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const getNic = (name: string) => find<NetworkInterfaceObject>(test.client, refs.NetworkInterface, ns, name);
  const getVip = (name: string) => find<VirtualIPObject>(test.client, refs.VirtualIP, ns, name);

  it("keeps the machineRef of a live machine and clears it when the machine goes", async () => {
    const m = await test.client.create<MachineObject>(machine("owner", []));
    const nic = networkInterface("claimed");
    nic.spec!.machineRef = { name: "owner", uid: m.metadata.uid };
    await test.client.create(nic);
    await settled(test.client);
    expect((await getNic("claimed"))?.spec?.machineRef).toEqual({ name: "owner", uid: m.metadata.uid });

    await test.client.delete(refs.Machine, ns, "owner");
    await eventually(async () => expect((await getNic("claimed"))?.spec?.machineRef).toBeUndefined());
  });

  it("clears a machineRef whose uid belongs to an older machine of that name", async () => {
    await test.client.create(machine("reborn", []));
    const nic = networkInterface("stale-claim");
    nic.spec!.machineRef = { name: "reborn", uid: "uid-of-a-machine-long-gone" };
    await test.client.create(nic);
    await eventually(async () => expect((await getNic("stale-claim"))?.spec?.machineRef).toBeUndefined());
  });

  it("clears a VIP's targetRef when its NIC goes, and keeps it while the NIC lives", async () => {
    const nic = await test.client.create<NetworkInterfaceObject>(networkInterface("target"));
    await test.client.create(virtualIP("vip-1", { name: "target", uid: nic.metadata.uid! }));
    await settled(test.client);
    expect((await getVip("vip-1"))?.spec?.targetRef?.uid).toBe(nic.metadata.uid);

    await test.client.delete(refs.NetworkInterface, ns, "target");
    await eventually(async () => expect((await getVip("vip-1"))?.spec?.targetRef).toBeUndefined());
  });
});
