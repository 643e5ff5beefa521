import { ArpOperation, BROADCAST_MAC, buildArp, formatMac, parseIpv4 } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import { ipv4Addr } from "../state/ipAddr.js";
import { createInterface } from "../state/ops/interfaceOps.js";
import { PXE_TFTP_FILE } from "./dhcpServer.js";
import { TEST_VFS, TestNode } from "./testing/dataplaneFixture.js";

// The VM-facing L2/L3 services over a real VM port: ARP for the gateway and DHCPv4 as upstream.

const registry = new MemoryUnderlayRegistry();
let node: TestNode;

beforeAll(async () => {
  node = await TestNode.start({
    name: "dhcp-node",
    underlay: "fc00:1::/64",
    registry,
    config: { dhcpMtu: 1337, dhcpDns: [parseIpv4("8.8.8.8")!, parseIpv4("1.1.1.1")!] },
  });
  createInterface(node.state, {
    id: "vm1",
    vni: 100,
    deviceName: TEST_VFS[0]!,
    ipv4: parseIpv4("10.0.0.1"),
    hostname: "vm1-host",
  });
  createInterface(node.state, {
    id: "pxe",
    vni: 100,
    deviceName: TEST_VFS[1]!,
    ipv4: parseIpv4("10.0.0.2"),
    pxe: { nextServer: ipv4Addr(parseIpv4("192.168.0.10")!), bootFilename: "/boot.ipxe" },
  });
  createInterface(node.state, {
    id: "v6only",
    vni: 100,
    deviceName: TEST_VFS[2]!,
    ipv6: (0x20010db8n << 96n) + 3n,
  });
});

afterAll(() => node?.stop());

describe("DHCPv4", () => {
  it("offers and acknowledges the interface address with upstream's options", async () => {
    const vm = await node.machine(0, { name: "vm1" });
    const lease = await vm.dhcp();
    expect(lease).toMatchObject({
      ip: "10.0.0.1",
      mask: "255.255.255.255",
      serverId: "169.254.0.1",
      routes: [
        { destination: "169.254.0.0/16", router: "0.0.0.0" },
        { destination: "0.0.0.0/0", router: "169.254.0.1" },
      ],
      router: "", // only in PXE mode
      mtu: 1337,
      dns: ["8.8.8.8", "1.1.1.1"],
      hostname: "vm1-host",
      leaseSeconds: 0xffffffff,
    });
    expect(lease.offer.yiaddr).toBe(parseIpv4("10.0.0.1"));
    expect(lease.offer.options.get(53)?.[0]).toBe(2); // OFFER
    expect(lease.ack.options.get(53)?.[0]).toBe(5); // ACK
    // The reply came from the port's MAC, and the port learnt the guest's MAC.
    expect(formatMac(vm.gatewayMac)).toBe(formatMac(node.dataplane.pipeline.macs.port[0]!));
    expect(formatMac(node.dataplane.pipeline.macs.guest[0]!)).toBe(formatMac(vm.mac));
  });

  it("hands out boot files in PXE mode", async () => {
    const vm = await node.machine(1, { name: "pxe" });
    const ipxe = await vm.dhcp({ userClass: "iPXE" });
    expect(ipxe.ack.file).toBe("http://192.168.0.10/boot.ipxe");
    expect(ipxe.ack.siaddr).toBe(parseIpv4("192.168.0.10"));
    expect(ipxe.router).toBe("169.254.0.1");
    const legacy = await vm.dhcp({ vendorClass: "PXEClient:Arch:00007:UNDI:003016" });
    expect(legacy.ack.file).toBe(PXE_TFTP_FILE);
  });

  it("does not answer for an interface without IPv4", async () => {
    const vm = await node.machine(2, { name: "v6only" });
    const before = node.dropCount("dhcp-ignored");
    await expect(vm.dhcp({ timeoutMs: 300 })).rejects.toThrow(/DHCPOFFER/);
    expect(node.dropCount("dhcp-ignored")).toBe(before + 1);
  });
});

describe("ARP", () => {
  it("answers only requests for 169.254.0.1, with the port's MAC", async () => {
    const vm = node.machines[0]!;
    expect(await vm.arpGateway()).toBe(formatMac(node.dataplane.pipeline.macs.port[0]!));
    const before = node.dropCount("arp-not-gateway");
    vm.sendFrame(
      buildArp(
        { src: vm.mac, dst: BROADCAST_MAC },
        {
          operation: ArpOperation.Request,
          senderMac: vm.mac,
          senderIp: parseIpv4("10.0.0.1")!,
          targetMac: new Uint8Array(6),
          targetIp: parseIpv4("10.0.0.99")!,
        },
      ),
    );
    await eventually(() => expect(node.dropCount("arp-not-gateway")).toBe(before + 1));
  });

  it("probes the ports so guests refresh the gateway MAC", async () => {
    const vm = node.machines[0]!;
    const since = vm.received.mark();
    node.dataplane.sendArpProbes();
    const probe = await vm.received.waitFor(
      (p) => p.kind === "arp" && p.arpOperation === ArpOperation.Request,
      { since },
    );
    expect(probe).toMatchObject({ src: "169.254.0.1", dst: "169.254.0.1", dstMac: "ff:ff:ff:ff:ff:ff" });
  });
});
