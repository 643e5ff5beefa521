import { controllerOf } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MachineObject } from "../kinds/machine.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import { ephemeralManagedByAnnotation } from "./ephemeral.js";
import {
  desiredEphemeralNetworkInterfaces,
  networkInterfacesReadyCondition,
} from "./machineEphemeralNetworkInterfaceReconciler.js";
import { mergePatch } from "./refs.js";
import {
  find,
  machine,
  names,
  network,
  networkInterface,
  ns,
  reconcileEverything,
  refs,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

describe("desiredEphemeralNetworkInterfaces", () => {
  it("names NICs <machine>-<entry>, copies the template and binds them to the machine", () => {
    const m = machine("m1", [{ name: "primary", labels: { app: "web" } }]);
    m.metadata.uid = "uid-m1";
    m.spec!.networkInterfaces!.push({ name: "byref", networkInterfaceRef: { name: "other" } });
    const desired = desiredEphemeralNetworkInterfaces(m);
    expect([...desired.keys()]).toEqual(["m1-primary"]);
    const nic = desired.get("m1-primary")!;
    expect(nic.metadata.labels).toEqual({ app: "web" });
    expect(nic.metadata.annotations).toEqual({ [ephemeralManagedByAnnotation]: "ephemeral-manager" });
    expect(nic.metadata.ownerReferences).toEqual([
      {
        apiVersion: "compute.ironcore.dev/v1alpha1",
        kind: "Machine",
        name: "m1",
        uid: "uid-m1",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(nic.spec?.machineRef).toEqual({ name: "m1", uid: "uid-m1" });
    expect(nic.spec?.ips).toEqual([{ value: "10.0.0.12" }]);
  });
});

describe("machineephemeralnetworkinterface", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
    await test.client.create(network("network-sample"));
  });
  afterAll(async () => {
    await test.stop();
  });

  const getNic = (name: string) => find<NetworkInterfaceObject>(test.client, refs.NetworkInterface, ns, name);
  const getMachine = (name: string) => find<MachineObject>(test.client, refs.Machine, ns, name);

  it("creates <machine>-<nic> NICs controlled by the machine, with the ephemeral annotation", async () => {
    const created = await test.client.create<MachineObject>(
      machine("machine-sample", [
        { name: "primary", ip: "10.0.0.12", labels: { app: "web" } },
        { name: "secondary", ip: "10.0.0.13" },
      ]),
    );
    const nic = await eventually(async () => {
      const n = await getNic("machine-sample-primary");
      expect(n).toBeDefined();
      return n!;
    });
    expect(controllerOf(nic)).toMatchObject({
      kind: "Machine",
      name: "machine-sample",
      uid: created.metadata.uid,
    });
    expect(nic.metadata.annotations?.[ephemeralManagedByAnnotation]).toBe("ephemeral-manager");
    expect(nic.metadata.labels).toEqual({ app: "web" });
    expect(nic.spec?.machineRef).toEqual({ name: "machine-sample", uid: created.metadata.uid });
    expect(nic.spec?.ips).toEqual([{ value: "10.0.0.12" }]);
    // The seed's lifecycle: a new NIC is Pending until apinetlet reports it Available.
    expect(nic.status?.state).toBe("Pending");
    await eventually(async () => expect(await getNic("machine-sample-secondary")).toBeDefined());
    await eventually(async () => {
      const m = await getMachine("machine-sample");
      expect(m?.status?.conditions?.find((c) => c.type === networkInterfacesReadyCondition)).toMatchObject({
        status: "True",
        reason: "Managed",
      });
    });
  });

  it("deletes a NIC whose entry was removed from the machine, and keeps the others", async () => {
    const current = (await getMachine("machine-sample"))!;
    const kept = current.spec!.networkInterfaces!.filter((n) => n.name === "primary");
    await test.client.patch(
      refs.Machine,
      ns,
      "machine-sample",
      mergePatch({
        spec: { networkInterfaces: kept },
      }),
    );
    await eventually(async () => expect(await getNic("machine-sample-secondary")).toBeUndefined());
    expect(await getNic("machine-sample-primary")).toBeDefined();
  });

  it("is idempotent: reconciling everything again writes nothing", async () => {
    const before = await settled(test.client);
    await reconcileEverything(test);
    expect(await settled(test.client)).toBe(before);
  });

  it("leaves a pre-existing unmanaged NIC of the wanted name alone and reports it on the machine", async () => {
    const squatter = await test.client.create(networkInterface("squatted-primary", { ip: "10.0.0.99" }));
    await test.client.create(machine("squatted", [{ name: "primary" }]));
    const m = await eventually(async () => {
      const got = await getMachine("squatted");
      const condition = got?.status?.conditions?.find((c) => c.type === networkInterfacesReadyCondition);
      expect(condition).toMatchObject({ status: "False", reason: "NotManaged" });
      expect(condition?.message).toContain("test/squatted-primary");
      return got!;
    });
    expect(m.metadata.name).toBe("squatted");
    await settled(test.client);
    const after = (await getNic("squatted-primary"))!;
    expect(after.metadata.resourceVersion).toBe(squatter.metadata.resourceVersion);
    expect(after.metadata.ownerReferences).toBeUndefined();
    expect(after.spec?.machineRef).toBeUndefined();
    expect(after.spec?.ips).toEqual([{ value: "10.0.0.99" }]);

    // Once the user removes it, the machine gets its own NIC and the condition clears.
    await test.client.delete(refs.NetworkInterface, ns, "squatted-primary");
    await eventually(async () => {
      const nic = await getNic("squatted-primary");
      expect(nic?.metadata.annotations?.[ephemeralManagedByAnnotation]).toBe("ephemeral-manager");
      const got = await getMachine("squatted");
      expect(got?.status?.conditions?.find((c) => c.type === networkInterfacesReadyCondition)?.status).toBe(
        "True",
      );
    });
  });

  it("deleting the machine removes its ephemeral NICs and their VIPs; a Retain VIP stays, released", async () => {
    await test.client.create(
      machine("vm", [
        { name: "a", ip: "10.0.1.1", vip: "Delete" },
        { name: "b", ip: "10.0.1.2", vip: "Retain" },
      ]),
    );
    const [vipA, vipB] = await eventually(async () => {
      const a = await find<VirtualIPObject>(test.client, refs.VirtualIP, ns, "vm-a");
      const b = await find<VirtualIPObject>(test.client, refs.VirtualIP, ns, "vm-b");
      expect(a?.spec?.targetRef?.name).toBe("vm-a");
      expect(b?.spec?.targetRef?.name).toBe("vm-b");
      return [a!, b!];
    });
    expect(controllerOf(vipA)?.kind).toBe("NetworkInterface");
    expect(vipB.metadata.ownerReferences).toBeUndefined();

    await test.client.delete(refs.Machine, ns, "vm");
    await eventually(async () => {
      expect(await getNic("vm-a")).toBeUndefined();
      expect(await getNic("vm-b")).toBeUndefined();
      expect(await find(test.client, refs.VirtualIP, ns, "vm-a")).toBeUndefined();
      const retained = await find<VirtualIPObject>(test.client, refs.VirtualIP, ns, "vm-b");
      expect(retained).toBeDefined();
      expect(retained?.spec?.targetRef).toBeUndefined();
    });
    expect(await names(test.client, refs.NetworkInterface, ns)).not.toContain("vm-a");
  });
});
