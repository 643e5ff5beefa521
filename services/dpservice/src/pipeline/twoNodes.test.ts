import { formatMac } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FabricTap } from "../fabric/fabricPeer.js";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { SimulatedMachine } from "../ports/simulatedMachine.js";
import { ipv6, prefix, s, t } from "../testing/dpdkTestClient.js";
import { TEST_VFS, TestNode } from "./testing/dataplaneFixture.js";

// Two dpservices on one fabric, programmed through the upstream gRPC API (CreateInterface,
// CreateRoute), machines speaking raw Ethernet over their VM port sockets. VNI 100 and VNI 200
// use the same addresses; each VNI must only ever reach its own machines.

const registry = new MemoryUnderlayRegistry();
let node1: TestNode;
let node2: TestNode;
let vm1: SimulatedMachine; // node1, VNI 100, 10.0.0.1
let vm2: SimulatedMachine; // node2, VNI 100, 10.0.0.2
let vm3: SimulatedMachine; // node1, VNI 200, 10.0.0.1
let vm4: SimulatedMachine; // node2, VNI 200, 10.0.0.2
let tap1: FabricTap; // what arrives at node1
let tap2: FabricTap; // what arrives at node2
const underlay: Record<string, string> = {};

async function createVm(node: TestNode, id: string, vni: number, vf: number, ip: string, ip6: string) {
  const res = await node.dpdk!.call("createInterface", {
    interfaceId: t(id),
    vni,
    deviceName: TEST_VFS[vf]!,
    ipv4Config: { primaryAddress: t(ip) },
    ipv6Config: { primaryAddress: t(ip6) },
  });
  expect(res.status?.code).toBe(0);
  underlay[id] = s(res.underlayRoute);
}

async function route(node: TestNode, vni: number, cidr: string, nextHop: string) {
  const res = await node.dpdk!.call("createRoute", {
    vni,
    route: { prefix: prefix(cidr), nexthopVni: vni, nexthopAddress: ipv6(nextHop) },
  });
  expect(res.status?.code).toBe(0);
}

beforeAll(async () => {
  node1 = await TestNode.start({ name: "node1", underlay: "fc00:1::/64", registry, grpc: true });
  node2 = await TestNode.start({ name: "node2", underlay: "fc00:2::/64", registry, grpc: true });
  for (const node of [node1, node2]) await node.dpdk!.call("initialize", {});
  await createVm(node1, "vm1", 100, 0, "10.0.0.1", "2001:db8:100::1");
  await createVm(node2, "vm2", 100, 0, "10.0.0.2", "2001:db8:100::2");
  await createVm(node1, "vm3", 200, 1, "10.0.0.1", "2001:db8:200::1");
  await createVm(node2, "vm4", 200, 1, "10.0.0.2", "2001:db8:200::2");
  await route(node1, 100, "10.0.0.2/32", underlay.vm2!);
  await route(node1, 100, "2001:db8:100::2/128", underlay.vm2!);
  await route(node2, 100, "10.0.0.1/32", underlay.vm1!);
  await route(node2, 100, "2001:db8:100::1/128", underlay.vm1!);
  await route(node1, 200, "10.0.0.2/32", underlay.vm4!);
  await route(node2, 200, "10.0.0.1/32", underlay.vm3!);
  // Machines learn their IPv4 by DHCP; IPv6 is configured.
  vm1 = await node1.machine(0, { name: "vm1", ipv6: "2001:db8:100::1" });
  vm3 = await node1.machine(1, { name: "vm3", ipv6: "2001:db8:200::1" });
  vm2 = await node2.machine(0, { name: "vm2", ipv6: "2001:db8:100::2" });
  vm4 = await node2.machine(1, { name: "vm4", ipv6: "2001:db8:200::2" });
  for (const vm of [vm1, vm2, vm3, vm4]) await vm.dhcp();
  tap1 = await FabricTap.start({
    registry,
    prefix: node1.state.hostUnderlay.bytes,
    target: node1.dataplane.fabric.endpoint,
  });
  tap2 = await FabricTap.start({
    registry,
    prefix: node2.state.hostUnderlay.bytes,
    target: node2.dataplane.fabric.endpoint,
  });
});

afterAll(async () => {
  await tap1?.close();
  await tap2?.close();
  await node1?.stop();
  await node2?.stop();
});

describe("VNI 100 across two nodes", () => {
  it("DHCP gave every machine its interface address", () => {
    expect([vm1, vm2, vm3, vm4].map((m) => m.describe())).toEqual([
      "vm1 (10.0.0.1 2001:db8:100::1)",
      "vm2 (10.0.0.2 2001:db8:100::2)",
      "vm3 (10.0.0.1 2001:db8:200::1)",
      "vm4 (10.0.0.2 2001:db8:200::2)",
    ]);
  });

  it("delivers an echo request encapsulated between the interfaces' underlays and the reply back", async () => {
    const since1 = tap1.captured.mark();
    const since2 = tap2.captured.mark();
    const reply = await vm1.ping("10.0.0.2", { id: 0x100, seq: 1 });
    expect(reply).toMatchObject({ src: "10.0.0.2", dst: "10.0.0.1", icmpType: 0, checksumsOk: true });
    // The request as it crossed the fabric into node2.
    const request = await tap2.captured.waitFor((p) => p.inner?.icmpId === 0x100 && p.inner.icmpType === 8, {
      since: since2,
    });
    expect(request).toMatchObject({
      outerSrc: underlay.vm1,
      outerDst: underlay.vm2,
      nextHeader: 4,
      hopLimit: 64,
    });
    expect(request.inner).toMatchObject({ src: "10.0.0.1", dst: "10.0.0.2", checksumsOk: true });
    // vm2 got it on its port with its own MAC as destination.
    const atVm2 = await vm2.received.waitFor((p) => p.icmpId === 0x100 && p.icmpType === 8);
    expect(atVm2.dstMac).toBe(formatMac(vm2.mac));
    // The reply back into node1.
    const back = await tap1.captured.waitFor((p) => p.inner?.icmpId === 0x100 && p.inner.icmpType === 0, {
      since: since1,
    });
    expect(back).toMatchObject({ outerSrc: underlay.vm2, outerDst: underlay.vm1 });
  });

  it("carries a TCP handshake and tracks it as established", async () => {
    const synAck = await vm1.tcpConnect("10.0.0.2", 22, { srcPort: 41000 });
    expect(synAck).toMatchObject({
      src: "10.0.0.2",
      dst: "10.0.0.1",
      srcPort: 22,
      dstPort: 41000,
      checksumsOk: true,
    });
    await eventually(async () => {
      const flows = await node1.ext!.call("listFlows", { vni: 100 });
      const flow = flows.flows.find((f) => f.original?.srcPort === 41000);
      expect(flow).toMatchObject({
        protocol: "tcp",
        state: "established",
        origin: `vf:${TEST_VFS[0]}`,
        sourceInterfaceId: "vm1",
      });
      const remote = (await node2.ext!.call("listFlows", {})).flows.find(
        (f) => f.original?.srcPort === 41000,
      );
      expect(remote).toMatchObject({ state: "established", origin: "fabric", destinationInterfaceId: "vm2" });
    });
  });

  it("carries the IPv6 overlay as IPv6-in-IPv6", async () => {
    const since = tap2.captured.mark();
    const reply = await vm1.ping("2001:db8:100::2", { id: 0x600 });
    expect(reply).toMatchObject({
      src: "2001:db8:100::2",
      dst: "2001:db8:100::1",
      icmpType: 129,
      checksumsOk: true,
    });
    const crossed = await tap2.captured.waitFor((p) => p.inner?.icmpId === 0x600, { since });
    expect(crossed).toMatchObject({ outerSrc: underlay.vm1, outerDst: underlay.vm2, nextHeader: 41 });
  });

  it("answers the guest's neighbour solicitation for fe80::1", async () => {
    const mac = await vm1.ndGateway();
    const port = await node1.ext!.call("listPorts", {});
    expect(mac).toBe(port.ports[0]!.mac);
  });
});

describe("VNI 200 with the same addresses", () => {
  it("reaches its own 10.0.0.2 (vm4), never VNI 100's (vm2)", async () => {
    const since2 = vm2.received.mark();
    const sinceTap = tap2.captured.mark();
    const reply = await vm3.ping("10.0.0.2", { id: 0x200 });
    expect(reply).toMatchObject({ src: "10.0.0.2", dst: "10.0.0.1" });
    expect(vm4.received.filter((p) => p.icmpId === 0x200)).toHaveLength(1);
    const crossed = await tap2.captured.waitFor((p) => p.inner?.icmpId === 0x200, { since: sinceTap });
    expect(crossed).toMatchObject({ outerSrc: underlay.vm3, outerDst: underlay.vm4 });
    expect(vm2.received.filter((p) => p.icmpId === 0x200, since2)).toHaveLength(0);
    // vm1 (VNI 100, same IP as vm3) did not get vm4's reply either.
    expect(vm1.received.filter((p) => p.icmpId === 0x200)).toHaveLength(0);
  });

  it("drops what VNI 200 has no route for instead of leaking into VNI 100", async () => {
    const res = await node1.dpdk!.call("deleteRoute", { vni: 200, route: { prefix: prefix("10.0.0.2/32") } });
    expect(res.status?.code).toBe(0);
    const before = node1.dropCount("no-route");
    const since2 = vm2.received.mark();
    vm3.sendEcho("10.0.0.2", 0x201, 1);
    await expect(vm3.ping("10.0.0.2", { id: 0x202, timeoutMs: 300 })).rejects.toThrow(/timed out/);
    expect(node1.dropCount("no-route")).toBeGreaterThanOrEqual(before + 2);
    expect(vm2.received.filter((p) => p.icmpId === 0x201 || p.icmpId === 0x202, since2)).toHaveLength(0);
    await route(node1, 200, "10.0.0.2/32", underlay.vm4!);
    // The flow of the earlier ping re-resolves its output after the route change.
    expect(await vm3.ping("10.0.0.2", { id: 0x200, seq: 9 })).toMatchObject({ src: "10.0.0.2" });
  });
});

describe("counters", () => {
  it("counts per port and on the fabric", async () => {
    const stats = await node1.ext!.call("getStats", {});
    const port0 = stats.interfaces.find((i) => i.interfaceId === "vm1");
    expect(port0?.rxPackets).toBeGreaterThan(0n);
    expect(port0?.txPackets).toBeGreaterThan(0n);
    expect(stats.fabric?.txPackets).toBeGreaterThan(0n);
    expect(stats.fabric?.rxPackets).toBeGreaterThan(0n);
  });
});
