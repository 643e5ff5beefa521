import { GrpcCode } from "@ironcore-ts/apimachinery";
import type { ResourceClient } from "@ironcore-ts/client";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotations, apinetApiVersion, apinetRefs, finalizers } from "./apinet.js";
import type { RunningIronCoreNet } from "./server.js";
import { countAll, network, nic, publicIP, specOf, startTestNet } from "./testSupport.js";

describe("public IP allocation", () => {
  let net: RunningIronCoreNet;
  let client: ResourceClient;
  beforeAll(async () => {
    // A /29 (6 usable IPv4 addresses: network and broadcast are left out) and a /126 (4 addresses).
    ({ net, client } = await startTestNet({ publicPrefixes: ["203.0.113.8/29", "2001:db8:ff::/126"] }));
  });
  afterAll(() => net.stop());

  it("hands out the 6 usable addresses of a /29, then RESOURCE_EXHAUSTED until one is freed", async () => {
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.create(publicIP(`v4-${i}`, { ipFamily: "IPv4" }))),
    );
    const addresses = created.map((ip) => specOf(ip).ip);
    expect(new Set(addresses).size).toBe(6);
    expect(addresses.sort()).toEqual(Array.from({ length: 6 }, (_, i) => `203.0.113.${9 + i}`).sort());
    expect(created[0]!.metadata.labels).toMatchObject({ "apinet.ironcore.dev/ip-family": "IPv4" });
    const addressClaim = await client.get(apinetRefs.IPAddress, undefined, addresses[0] ?? "");
    expect(addressClaim.metadata.finalizers).toEqual([finalizers.ipAddressProtection]);

    await expect(client.create(publicIP("v4-6", { ipFamily: "IPv4" }))).rejects.toMatchObject({
      code: GrpcCode.RESOURCE_EXHAUSTED,
      message: "all IP addresses of family IPv4 are already allocated",
    });
    // Freeing one makes it allocatable at once (no controller round trip needed).
    await client.delete(apinetRefs.IP, "default", "v4-3");
    const next = await client.create(publicIP("v4-6", { ipFamily: "IPv4" }));
    expect(specOf(next).ip).toBe(specOf(created[3]!).ip);
  });

  it("allocates IPv6 from the IPv6 pool and exhausts it separately", async () => {
    const created = await Promise.all(
      [0, 1, 2, 3].map((i) => client.create(publicIP(`v6-${i}`, { ipFamily: "IPv6" }))),
    );
    expect(created.map((ip) => specOf(ip).ip).sort()).toEqual([
      "2001:db8:ff::",
      "2001:db8:ff::1",
      "2001:db8:ff::2",
      "2001:db8:ff::3",
    ]);
    const one = created.find((ip) => specOf(ip).ip === "2001:db8:ff::1");
    expect(one?.metadata.labels?.["apinet.ironcore.dev/ip"]).toBe("2001-db8-ff--1");
    // Upstream's encoding of "2001:db8:ff::" would end in "-", which no label value may.
    const zero = created.find((ip) => specOf(ip).ip === "2001:db8:ff::");
    expect(zero?.metadata.labels?.["apinet.ironcore.dev/ip"]).toBe("2001-0db8-00ff-0000-0000-0000-0000-0000");
    await expect(client.create(publicIP("v6-4", { ipFamily: "IPv6" }))).rejects.toMatchObject({
      code: GrpcCode.RESOURCE_EXHAUSTED,
      message: "all IP addresses of family IPv6 are already allocated",
    });
  });

  it("explains an explicit address outside the pools or already taken", async () => {
    await expect(client.create(publicIP("outside", { ip: "198.51.100.1" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringMatching(
        /spec\.ip.*not in range of the public prefixes of family IPv4 \(203\.0\.113\.8\/29\)/,
      ),
    });
    await expect(client.create(publicIP("network", { ip: "203.0.113.8" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringMatching(/spec\.ip.*not in range/),
    });
    await expect(client.create(publicIP("taken", { ip: "203.0.113.9" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringContaining("provided IP is already allocated"),
    });
    const ips = await client.list(apinetRefs.IP);
    await Promise.all(ips.items.map((ip) => client.delete(apinetRefs.IP, "default", ip.metadata.name ?? "")));
    expect(await countAll(client)).toEqual({});
  });

  it("lets a NIC allocate, own and release public IPs, and claim and release a VirtualIP-style IP", async () => {
    await client.create(network("pubnet"));
    const created = await client.create(
      nic("nic-a", "pubnet", { ips: ["10.0.0.1"], publicIPs: [{ name: "ipv4", ipFamily: "IPv4" }] }),
    );
    const allocated = (specOf(created).publicIPs as Array<{ ip?: string }>)[0]?.ip ?? "";
    expect(allocated).toMatch(/^203\.0\.113\./);
    const owned = (await client.list(apinetRefs.IP)).items;
    expect(owned).toHaveLength(1);
    expect(owned[0]!.metadata.name).toMatch(/^nic-a-/);
    expect(specOf(owned[0]!).claimRef).toMatchObject({
      name: "nic-a",
      uid: created.metadata.uid,
      resource: "networkinterfaces",
    });
    expect(owned[0]!.metadata.annotations?.[annotations.controlledBy]).toBe(created.metadata.uid);
    // Once the NIC is stored, the IP gets its controller reference (ipclaim controller).
    await eventually(async () => {
      const ip = await client.get(apinetRefs.IP, "default", owned[0]!.metadata.name ?? "");
      expect(ip.metadata.ownerReferences).toMatchObject([
        { kind: "NetworkInterface", uid: created.metadata.uid, controller: true },
      ]);
    });

    // An IP made on its own (as apinetlet does for a VirtualIP), claimed by IPv6 entry with ip.
    const vip = await client.create(publicIP("vip", { ipFamily: "IPv6" }));
    const vipIP = specOf(vip).ip ?? "";
    const current = await client.get(apinetRefs.NetworkInterface, "default", "nic-a");
    const withVip = await client.update({
      ...current,
      spec: {
        ...specOf(current),
        publicIPs: [...(specOf(current).publicIPs as object[]), { name: vipIP, ip: vipIP }],
      },
    });
    expect(specOf(withVip).publicIPs).toHaveLength(2);
    expect(specOf(await client.get(apinetRefs.IP, "default", "vip")).claimRef).toMatchObject({
      name: "nic-a",
    });

    // A second NIC cannot claim the same VirtualIP IP.
    await expect(
      client.create(nic("nic-b", "pubnet", { ips: ["10.0.0.2"], publicIPs: [{ name: "v", ip: vipIP }] })),
    ).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringMatching(/spec\.publicIPs\[0\]\.ip.*provided IP is already allocated/),
    });

    // Removing the entries: the owned IP is deleted (its address freed), the VIP's IP released.
    const latest = await client.get(apinetRefs.NetworkInterface, "default", "nic-a");
    await client.update({ ...latest, spec: { ...specOf(latest), publicIPs: [] } });
    await expect(client.get(apinetRefs.IP, "default", owned[0]!.metadata.name ?? "")).rejects.toMatchObject({
      code: GrpcCode.NOT_FOUND,
    });
    await expect(client.get(apinetRefs.IPAddress, undefined, allocated)).rejects.toMatchObject({
      code: GrpcCode.NOT_FOUND,
    });
    const released = await client.get(apinetRefs.IP, "default", "vip");
    expect(specOf(released).claimRef).toBeUndefined();
    expect(specOf(released).ip).toBe(vipIP);

    await client.delete(apinetRefs.IP, "default", "vip");
    await client.delete(apinetRefs.NetworkInterface, "default", "nic-a");
    await client.delete(apinetRefs.Network, "default", "pubnet");
    expect(await countAll(client)).toEqual({});
  });

  it("allocates NAT gateway and Public load balancer IPs, not Internal ones, and frees them on delete", async () => {
    await client.create(network("natnet"));
    const gw = await client.create({
      apiVersion: apinetApiVersion,
      kind: "NATGateway",
      metadata: { name: "gw" },
      spec: {
        ipFamily: "IPv4",
        networkRef: { name: "natnet" },
        portsPerNetworkInterface: 2048,
        ips: [{ name: "a" }],
      },
    });
    expect((specOf(gw).ips as Array<{ ip?: string }>)[0]?.ip).toMatch(/^203\.0\.113\./);
    const lb = (type: string, ips: object[]) => ({
      apiVersion: apinetApiVersion,
      kind: "LoadBalancer",
      metadata: { name: `lb-${type.toLowerCase()}` },
      spec: {
        type,
        networkRef: { name: "natnet" },
        ips,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } } },
      },
    });
    const pub = await client.create(lb("Public", [{ name: "ipv4", ipFamily: "IPv4" }]));
    expect((specOf(pub).ips as Array<{ ip?: string }>)[0]?.ip).toMatch(/^203\.0\.113\./);
    const internal = await client.create(
      lb("Internal", [{ name: "ip-0", ipFamily: "IPv4", ip: "10.0.0.10" }]),
    );
    expect((specOf(internal).ips as Array<{ ip?: string }>)[0]?.ip).toBe("10.0.0.10");
    expect((await client.list(apinetRefs.IP)).items).toHaveLength(2);

    await client.delete(apinetRefs.LoadBalancer, "default", "lb-public");
    await client.delete(apinetRefs.LoadBalancer, "default", "lb-internal");
    await client.delete(apinetRefs.NATGateway, "default", "gw");
    await client.delete(apinetRefs.Network, "default", "natnet");
    expect(await countAll(client)).toEqual({});
  });
});
