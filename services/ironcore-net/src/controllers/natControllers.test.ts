import { eventually } from "@ironcore-ts/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apinetApiVersion, apinetRefs } from "../apinet.js";
import { slotOfRange } from "../natPortSlices.js";
import type {
  NATGatewayAutoscalerObject,
  NATGatewayObject,
  NATTableObject,
  NetworkInterfaceObject,
} from "./controllerObjects.js";
import {
  type ControllersTestEnv,
  controllersSettled,
  createNICs,
  list,
  nic,
  reconcileEverything,
  resourceVersions,
  startControllersTestEnv,
  testNamespace,
} from "./networkControllersTestEnv.js";

function gateway(
  name: string,
  options: { network?: string; ips?: number; ppn?: number; family?: "IPv4" | "IPv6" } = {},
): NATGatewayObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "NATGateway",
    metadata: { namespace: testNamespace, name },
    spec: {
      ipFamily: options.family ?? "IPv4",
      networkRef: { name: options.network ?? "net" },
      ips: Array.from({ length: options.ips ?? 0 }, (_, i) => ({ name: `ip-${i}` })),
      portsPerNetworkInterface: options.ppn ?? 2048,
    },
  };
}

function autoscaler(gwName: string, min: number, max: number): NATGatewayAutoscalerObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "NATGatewayAutoscaler",
    metadata: { namespace: testNamespace, name: gwName },
    spec: { natGatewayRef: { name: gwName }, minPublicIPs: min, maxPublicIPs: max },
  };
}

interface Section {
  natIP: string;
  ip: string;
  port: number;
  endPort: number;
  nic: string;
  uid: string;
  node?: string;
}

async function natTable(env: ControllersTestEnv, name: string): Promise<NATTableObject | undefined> {
  return (await list<NATTableObject>(env.client, apinetRefs.NATTable)).find((t) => t.metadata.name === name);
}

async function sections(env: ControllersTestEnv, gwName: string): Promise<Section[]> {
  const table = await natTable(env, gwName);
  return (table?.ips ?? []).flatMap((natIP) =>
    (natIP.sections ?? []).map((s) => ({
      natIP: natIP.ip!,
      ip: s.ip!,
      port: s.port!,
      endPort: s.endPort!,
      nic: s.targetRef?.name ?? "",
      uid: s.targetRef?.uid ?? "",
      node: s.targetRef?.nodeRef?.name,
    })),
  );
}

async function getGateway(env: ControllersTestEnv, name: string): Promise<NATGatewayObject> {
  return env.client.get<NATGatewayObject>(apinetRefs.NATGateway, testNamespace, name);
}

async function nics(env: ControllersTestEnv): Promise<Map<string, NetworkInterfaceObject>> {
  const items = await list<NetworkInterfaceObject>(env.client, apinetRefs.NetworkInterface);
  return new Map(items.map((n) => [n.metadata.name!, n]));
}

function expectWellFormed(all: readonly Section[], ppn: number): void {
  const keys = new Set<string>();
  for (const s of all) {
    expect(slotOfRange(s, ppn), `${s.natIP}:${s.port}-${s.endPort} is slot-aligned`).toBeDefined();
    keys.add(`${s.natIP}/${s.port}`);
  }
  expect(keys.size, "no two NICs share a slice").toBe(all.length);
  expect(new Set(all.map((s) => s.uid)).size, "one slice per NIC").toBe(all.length);
}

describe("NAT gateway controller", () => {
  let env: ControllersTestEnv;
  beforeEach(async () => {
    env = await startControllersTestEnv();
  });
  afterEach(async () => {
    await env.stop();
  });

  it("gives 40 eligible NICs distinct slot-aligned slices of 2 IPs and claims them; skips NICs with a public IP or of the other family", async () => {
    const { client } = env;
    const gw = await client.create(gateway("gw", { ips: 2, ppn: 2048 }));
    const created = await createNICs(client, "nic", 40);
    await client.create(nic("with-public-ip", ["10.9.0.1"], { publicIPv4: true }));
    await client.create(nic("ipv6-only", ["fd00::1"]));

    await eventually(async () => {
      expect(await sections(env, "gw")).toHaveLength(40);
    });
    await controllersSettled(env);

    const all = await sections(env, "gw");
    expectWellFormed(all, 2048);
    const gwIPs = (await getGateway(env, "gw")).spec!.ips!.map((e) => e.ip!);
    expect(gwIPs).toHaveLength(2);
    // 31 slots per IP (floor(64512 / 2048)): 40 NICs need both IPs.
    for (const s of all) {
      expect(gwIPs).toContain(s.natIP);
      expect(s.endPort - s.port + 1).toBe(2048);
      expect(s.port).toBeGreaterThanOrEqual(1024);
      expect(s.endPort).toBeLessThanOrEqual(64511);
      expect(s.node).toBe("partition-a.node-1");
    }
    expect(new Set(all.map((s) => s.natIP)).size).toBe(2);
    const byNIC = new Map(all.map((s) => [s.nic, s]));
    const current = await nics(env);
    for (const n of created) {
      const section = byNIC.get(n.metadata.name!);
      expect(section?.ip).toBe(n.spec!.ips![0]);
      expect(current.get(n.metadata.name!)!.spec!.natGateways).toEqual([
        { ipFamily: "IPv4", claimRef: { name: "gw", uid: gw.metadata.uid } },
      ]);
    }
    expect(byNIC.has("with-public-ip")).toBe(false);
    expect(byNIC.has("ipv6-only")).toBe(false);
    expect(current.get("with-public-ip")!.spec!.natGateways).toBeUndefined();
    expect(current.get("ipv6-only")!.spec!.natGateways).toBeUndefined();

    const table = (await natTable(env, "gw"))!;
    expect(table.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "NATGateway", name: "gw", uid: gw.metadata.uid, controller: true }),
    ]);
    const status = (await getGateway(env, "gw")).status;
    expect(status).toEqual({ usedNATIPs: 40, requestedNATIPs: 40 });
  });

  it("writes the table sorted: IPs by address, sections by port", async () => {
    const { client } = env;
    await client.create(gateway("gw", { ips: 3 }));
    await createNICs(client, "nic", 70);
    await eventually(async () => expect(await sections(env, "gw")).toHaveLength(70));
    const table = (await natTable(env, "gw"))!;
    const addresses = table.ips!.map((i) => i.ip!);
    const numeric = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    expect([...addresses].sort((a, b) => numeric(a) - numeric(b))).toEqual(addresses);
    for (const natIP of table.ips!) {
      const ports = natIP.sections!.map((s) => s.port!);
      expect([...ports].sort((a, b) => a - b)).toEqual(ports);
    }
  });

  it("hands the slice of a removed NIC to a NIC that was waiting for one", async () => {
    const { client } = env;
    await client.create(gateway("gw", { ips: 1 }));
    await createNICs(client, "nic", 32);
    await eventually(async () => {
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 31, requestedNATIPs: 32 });
    });
    await controllersSettled(env);
    const before = await sections(env, "gw");
    expect(before).toHaveLength(31);
    const served = new Set(before.map((s) => s.nic));
    const waiting = [...(await nics(env)).keys()].filter((n) => !served.has(n));
    expect(waiting).toHaveLength(1);
    expect((await nics(env)).get(waiting[0]!)!.spec!.natGateways).toBeUndefined();

    const leaving = before.find((s) => s.port === 1024 + 7 * 2048)!;
    await client.delete(apinetRefs.NetworkInterface, testNamespace, leaving.nic);

    await eventually(async () => {
      const after = await sections(env, "gw");
      const taken = after.find((s) => s.nic === waiting[0]);
      expect(taken).toMatchObject({ natIP: leaving.natIP, port: leaving.port, endPort: leaving.endPort });
      expect(after).toHaveLength(31);
    });
    // Everyone else kept their slice.
    const after = new Map((await sections(env, "gw")).map((s) => [s.nic, s]));
    for (const s of before) if (s.nic !== leaving.nic) expect(after.get(s.nic)).toEqual(s);
    await eventually(async () => {
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 31, requestedNATIPs: 31 });
      expect((await nics(env)).get(waiting[0]!)!.spec!.natGateways).toHaveLength(1);
    });
  });

  it("releases a NIC that is being deleted and gives its slice to a waiting one", async () => {
    const { client } = env;
    // 32768 ports per NIC: one slot per IP.
    await client.create(gateway("gw", { ips: 1, ppn: 32768 }));
    const holding = nic("holding", ["10.0.0.1"]);
    holding.metadata.finalizers = ["test.ironcore.dev/hold"];
    await client.create(holding);
    await eventually(async () => expect((await sections(env, "gw")).map((s) => s.nic)).toEqual(["holding"]));
    await client.create(nic("waiting", ["10.0.0.2"]));
    await eventually(async () => {
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 1, requestedNATIPs: 2 });
    });

    // The finalizer keeps the NIC around while it is deleted; its slice is free at once.
    await client.delete(apinetRefs.NetworkInterface, testNamespace, "holding");
    await eventually(async () => {
      expect(await sections(env, "gw")).toEqual([
        expect.objectContaining({ nic: "waiting", port: 1024, endPort: 33791 }),
      ]);
      const current = await nics(env);
      expect(current.get("holding")!.metadata.deletionTimestamp).toBeDefined();
      expect(current.get("holding")!.spec!.natGateways).toBeUndefined();
    });
    await client.patch(apinetRefs.NetworkInterface, testNamespace, "holding", {
      metadata: { finalizers: null },
    });
  });

  it("cuts an IP into 1008 slices of 64 ports (1024-65535) when portsPerNetworkInterface is 64", async () => {
    const { client } = env;
    // NICs first: every NIC that arrives makes the controller rewrite the whole table, so 1009
    // arrivals one by one cost far more test time than they prove anything.
    await createNICs(client, "nic", 1009);
    await client.create(gateway("gw", { ips: 1, ppn: 64 }));
    await eventually(
      async () => {
        expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 1008, requestedNATIPs: 1009 });
      },
      { timeoutMs: 60_000 },
    );
    const all = await sections(env, "gw");
    expect(all).toHaveLength(1008);
    expectWellFormed(all, 64);
    const ports = all.map((s) => s.port).sort((a, b) => a - b);
    expect(ports[0]).toBe(1024);
    expect(Math.max(...all.map((s) => s.endPort))).toBe(65535);
  }, 90_000);

  it("lets only one of two gateways of a network claim each NIC", async () => {
    const { client } = env;
    await client.create(gateway("gw-a", { ips: 1 }));
    await client.create(gateway("gw-b", { ips: 1 }));
    await createNICs(client, "nic", 20);
    await eventually(async () => {
      const a = await sections(env, "gw-a");
      const b = await sections(env, "gw-b");
      expect(a.length + b.length).toBe(20);
    });
    await controllersSettled(env);
    const a = await sections(env, "gw-a");
    const b = await sections(env, "gw-b");
    expect(a.length + b.length).toBe(20);
    const aNames = new Set(a.map((s) => s.nic));
    for (const s of b) expect(aNames.has(s.nic)).toBe(false);
    for (const n of (await nics(env)).values()) {
      expect(n.spec!.natGateways).toHaveLength(1);
      const claimer = n.spec!.natGateways![0]!.claimRef!.name;
      expect((claimer === "gw-a" ? aNames : new Set(b.map((s) => s.nic))).has(n.metadata.name!)).toBe(true);
    }
  });

  it("releases a NIC that gets a public IP, and serves NICs of an IPv6 gateway", async () => {
    const { client } = env;
    await client.create(gateway("gw", { ips: 1 }));
    await client.create(gateway("gw6", { ips: 1, family: "IPv6" }));
    await client.create(nic("dual", ["10.0.0.1", "fd00::1"]));
    await eventually(async () => {
      const n = (await nics(env)).get("dual")!;
      expect(n.spec!.natGateways?.map((x) => x.claimRef!.name).sort()).toEqual(["gw", "gw6"]);
      expect(await sections(env, "gw6")).toEqual([
        expect.objectContaining({ nic: "dual", ip: "fd00::1", port: 1024 }),
      ]);
    });
    // What apinetlet does when a VirtualIP is attached: public IP in, NAT entry of that family out.
    const n = (await nics(env)).get("dual")!;
    await client.patch(apinetRefs.NetworkInterface, testNamespace, "dual", {
      spec: {
        publicIPs: [{ name: "vip", ipFamily: "IPv4" }],
        natGateways: n.spec!.natGateways!.filter((x) => x.ipFamily !== "IPv4"),
      },
    });
    await eventually(async () => {
      expect(await sections(env, "gw")).toEqual([]);
      expect((await getGateway(env, "gw")).status ?? {}).toEqual({});
      expect((await nics(env)).get("dual")!.spec!.natGateways?.map((x) => x.claimRef!.name)).toEqual(["gw6"]);
    });
  });

  it("drops claims of a deleted gateway, deletes its table, and keeps everything as is on a second pass", async () => {
    const { client } = env;
    await client.create(gateway("gw", { ips: 1 }));
    await createNICs(client, "nic", 5);
    await eventually(async () => expect(await sections(env, "gw")).toHaveLength(5));
    await controllersSettled(env);

    const kinds = [apinetRefs.NATGateway, apinetRefs.NATTable, apinetRefs.NetworkInterface];
    const before = await resourceVersions(client, kinds);
    await reconcileEverything(env);
    expect(await resourceVersions(client, kinds)).toEqual(before);

    await client.delete(apinetRefs.NATGateway, testNamespace, "gw");
    await eventually(async () => {
      expect(await natTable(env, "gw")).toBeUndefined();
      for (const n of (await nics(env)).values()) expect(n.spec!.natGateways).toBeUndefined();
    });
  });
});

describe("NAT gateway autoscaler", () => {
  let env: ControllersTestEnv;
  beforeEach(async () => {
    env = await startControllersTestEnv();
  });
  afterEach(async () => {
    await env.stop();
  });

  async function ipCount(name: string): Promise<number> {
    return (await getGateway(env, name)).spec?.ips?.length ?? 0;
  }

  it("grows to ceil(100/31) = 4 IPs for 100 NICs, then shrinks to 1 once the NICs on the last IPs are gone", async () => {
    const { client } = env;
    // As apinetlet creates them: a gateway without IPs and an autoscaler with 1..10.
    await client.create(gateway("gw"));
    await client.create(autoscaler("gw", 1, 10));
    await eventually(async () => expect(await ipCount("gw")).toBe(1));

    await createNICs(client, "nic", 100);
    await eventually(async () => {
      expect(await ipCount("gw")).toBe(4);
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 100, requestedNATIPs: 100 });
    });
    await controllersSettled(env);
    const gw = await getGateway(env, "gw");
    expect(gw.spec!.ips!.every((e) => e.ip)).toBe(true);
    expectWellFormed(await sections(env, "gw"), 2048);

    const kinds = [
      apinetRefs.NATGateway,
      apinetRefs.NATGatewayAutoscaler,
      apinetRefs.NATTable,
      apinetRefs.NetworkInterface,
    ];
    const before = await resourceVersions(client, kinds);
    await reconcileEverything(env);
    expect(await resourceVersions(client, kinds)).toEqual(before);

    // Remove 70 NICs: all but 30 of the NICs on the first IP. A NIC keeps its slice for life, so
    // an IP only goes once nobody uses it: while one NIC remains on the last IP, nothing shrinks.
    const [first, , , last] = gw.spec!.ips!.map((e) => e.ip!);
    const all = await sections(env, "gw");
    const onFirst = all.filter((s) => s.natIP === first).map((s) => s.nic);
    expect(onFirst).toHaveLength(31);
    const straggler = all.find((s) => s.natIP === last)!.nic;
    const keep = new Set([...onFirst.slice(0, 29), straggler]);
    for (const s of all) {
      if (!keep.has(s.nic)) await client.delete(apinetRefs.NetworkInterface, testNamespace, s.nic);
    }
    await eventually(async () => {
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 30, requestedNATIPs: 30 });
    });
    await controllersSettled(env);
    expect(await ipCount("gw")).toBe(4);

    await client.delete(apinetRefs.NetworkInterface, testNamespace, straggler);
    // Now 29 NICs: one IP is enough, and the last three are unused.
    await eventually(async () => expect(await ipCount("gw")).toBe(1));
    await controllersSettled(env);
    const after = await getGateway(env, "gw");
    expect(after.spec!.ips!.map((e) => e.ip)).toEqual([first]);
    expect(after.status).toEqual({ usedNATIPs: 29, requestedNATIPs: 29 });
  });

  it("grows as soon as one NIC lacks a slot (32 NICs -> 2 IPs)", async () => {
    const { client } = env;
    await client.create(gateway("gw"));
    await client.create(autoscaler("gw", 1, 10));
    await createNICs(client, "nic", 32);
    await eventually(async () => {
      expect(await ipCount("gw")).toBe(2);
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 32, requestedNATIPs: 32 });
    });
  });

  it("takes what a nearly exhausted public pool has left, one IP at a time", async () => {
    await env.stop();
    // Two public addresses in all: 100 NICs would need 4 IPs.
    env = await startControllersTestEnv({ publicPrefixes: ["203.0.113.8/31"] });
    const { client } = env;
    await client.create(gateway("gw"));
    await client.create(autoscaler("gw", 1, 10));
    await createNICs(client, "nic", 100);
    await eventually(async () => {
      expect(await ipCount("gw")).toBe(2);
      expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 62, requestedNATIPs: 100 });
    });
    expect((await getGateway(env, "gw")).spec!.ips!.map((e) => e.ip).sort()).toEqual([
      "203.0.113.8",
      "203.0.113.9",
    ]);
  });

  it("stops at maxPublicIPs: 1000 NICs get 10 IPs, 310 are served and all 1000 show as requested", async () => {
    const { client } = env;
    await client.create(gateway("gw"));
    await client.create(autoscaler("gw", 1, 10));
    await createNICs(client, "nic", 1000);
    await eventually(
      async () => {
        expect(await ipCount("gw")).toBe(10);
        expect((await getGateway(env, "gw")).status).toEqual({ usedNATIPs: 310, requestedNATIPs: 1000 });
      },
      { timeoutMs: 60_000 },
    );
    await controllersSettled(env);
    expect(await ipCount("gw")).toBe(10);
    const all = await sections(env, "gw");
    expect(all).toHaveLength(310);
    expectWellFormed(all, 2048);
    const claimed = [...(await nics(env)).values()].filter((n) => n.spec?.natGateways?.length);
    expect(claimed).toHaveLength(310);
  }, 90_000);
});
