import { OutputKind } from "@ironcore-ts/gen/ironcore/dpservice/v1/dataplane_pb.js";
import {
  ArpOperation,
  BROADCAST_MAC,
  buildArp,
  buildPacket,
  formatMac,
  parseIpv4,
} from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import { TEST_VFS, TestNode } from "../pipeline/testing/dataplaneFixture.js";
import { summarizeEthernet } from "../ports/packetSummary.js";
import { SimulatedMachine } from "../ports/simulatedMachine.js";

// ironcore.dpservice.v1.DataplaneService over real gRPC, next to DPDKironcore on the same port.

const registry = new MemoryUnderlayRegistry();
let node: TestNode;
let vm: SimulatedMachine;

beforeAll(async () => {
  node = await TestNode.start({ name: "ext-node", underlay: "fc00:1::/64", registry, grpc: true });
  node.iface({ id: "vm1", vni: 100, vf: 0, ipv4: "10.0.0.1" });
  node.iface({ id: "vm2", vni: 100, vf: 1, ipv4: "10.0.0.2" });
});

afterAll(async () => {
  await vm?.close();
  await node?.stop();
});

const vf = (name: string) => ({ source: { case: "vfName" as const, value: name } });

describe("DataplaneService", () => {
  it("AttachPort opens the VF's socket for a machine at a given endpoint", async () => {
    // The machine first (it needs dpservice's port), then the port is attached to its endpoint.
    const res = await node.ext!.call("attachPort", { vfName: TEST_VFS[0]! });
    expect(res.port).toMatchObject({
      vfName: TEST_VFS[0],
      vfIndex: 0,
      attached: true,
      host: "127.0.0.1",
      interfaceId: "vm1",
    });
    vm = await SimulatedMachine.start({
      name: "vm1",
      ipv4: "10.0.0.1",
      port: { host: res.port!.host, port: res.port!.port },
    });
    const again = await node.ext!.call("attachPort", {
      vfName: TEST_VFS[0]!,
      machineHost: "127.0.0.1",
      machinePort: vm.endpoint.port,
    });
    expect(again.port?.port).toBe(res.port?.port);
    expect(again.port?.machineEndpoint).toBe(`127.0.0.1:${vm.endpoint.port}`);
    expect(await vm.arpGateway()).toBe(res.port!.mac);
    const ports = await node.ext!.call("listPorts", {});
    expect(ports.ports).toHaveLength(TEST_VFS.length);
    expect(ports.ports[0]).toMatchObject({ machineMac: formatMac(vm.mac), attached: true });
    expect(ports.ports[1]).toMatchObject({ attached: false, interfaceId: "vm2" });
  });

  it("InjectPacket processes a frame as if received and returns what it produced", async () => {
    const request = buildArp(
      { src: vm.mac, dst: BROADCAST_MAC },
      {
        operation: ArpOperation.Request,
        senderMac: vm.mac,
        senderIp: parseIpv4("10.0.0.1")!,
        targetMac: new Uint8Array(6),
        targetIp: parseIpv4("169.254.0.1")!,
      },
    );
    const since = vm.received.mark();
    const res = await node.ext!.call("injectPacket", { ingress: vf(TEST_VFS[0]!), packet: request });
    expect(res.dropReason).toBe("");
    expect(res.outputs).toHaveLength(1);
    expect(res.outputs[0]).toMatchObject({ kind: OutputKind.VF, vfName: TEST_VFS[0] });
    expect(summarizeEthernet(res.outputs[0]!.packet)).toMatchObject({
      kind: "arp",
      arpOperation: 2,
      src: "169.254.0.1",
    });
    // ...and it was really sent to the machine.
    await vm.received.waitFor((p) => p.kind === "arp" && p.arpOperation === 2, { since });
  });

  it("TracePacket dry-runs by default and executes on request; ListFlows/FlushFlows show the flows", async () => {
    const frame = buildPacket({
      ethernet: { src: vm.mac, dst: vm.gatewayMac },
      ip: { version: 4, src: parseIpv4("10.0.0.1")!, dst: parseIpv4("10.0.0.2")! },
      l4: { kind: "udp", srcPort: 45000, dstPort: 53, payload: new Uint8Array(4) },
    });
    const before = await node.ext!.call("getStats", {});
    const dry = await node.ext!.call("tracePacket", { ingress: vf(TEST_VFS[0]!), packet: frame });
    expect(dry.stages.map((s) => `${s.stage}:${s.decision}`)).toEqual([
      "ingress:vf",
      "conntrack:new",
      "dnat:none",
      "routing:local",
      "firewall:accept",
      "firewall:accept",
      "snat:none",
      "conntrack:commit",
      "output:vf",
    ]);
    expect(dry.outputs[0]).toMatchObject({ kind: OutputKind.VF, vfName: TEST_VFS[1] });
    expect((await node.ext!.call("listFlows", {})).flows).toHaveLength(0);
    const after = await node.ext!.call("getStats", {});
    expect(after.processedPackets).toBe(before.processedPackets);
    // Executed: vm2 has no machine attached, so the packet is dropped at its port.
    const real = await node.ext!.call("tracePacket", {
      ingress: vf(TEST_VFS[0]!),
      packet: frame,
      execute: true,
    });
    expect(real.dropReason).toBe("port-not-attached");
    const flows = await node.ext!.call("listFlows", { interfaceId: "vm2" });
    expect(flows.flows).toHaveLength(1);
    expect(flows.flows[0]).toMatchObject({
      vni: 100,
      protocol: "udp",
      original: { src: "10.0.0.1", dst: "10.0.0.2", srcPort: 45000, dstPort: 53 },
      reply: { src: "10.0.0.2", dst: "10.0.0.1", srcPort: 53, dstPort: 45000 },
      firewall: "accept",
      sourceInterfaceId: "vm1",
      destinationInterfaceId: "vm2",
      originalPackets: 1n,
      expiresInSeconds: 30,
    });
    expect((await node.ext!.call("flushFlows", { vni: 100 })).flushed).toBe(1);
    expect((await node.ext!.call("listFlows", {})).flows).toHaveLength(0);
  });

  it("GetStats reports drops by reason; /metrics exports them", async () => {
    const stats = await node.ext!.call("getStats", {});
    expect(stats.drops.find((d) => d.reason === "port-not-attached")?.packets).toBe(1n);
    const text = await (await fetch(`http://127.0.0.1:${node.service!.httpPort}/metrics`)).text();
    expect(text).toMatch(/dpservice_packet_drops_total\{node="ext-node",reason="port-not-attached"\} 1/);
    expect(text).toMatch(/dpservice_port_packets_total\{node="ext-node",vf="0000:3b:00.2",direction="rx"\}/);
  });

  it("rejects unknown VFs and missing ingress; DetachPort closes the socket", async () => {
    await expect(node.ext!.call("attachPort", { vfName: "0000:99:00.0" })).rejects.toMatchObject({ code: 5 });
    await expect(node.ext!.call("injectPacket", { packet: new Uint8Array(20) })).rejects.toMatchObject({
      code: 3,
    });
    await node.ext!.call("detachPort", { vfName: TEST_VFS[0]! });
    const ports = await node.ext!.call("listPorts", {});
    expect(ports.ports[0]?.attached).toBe(false);
    await eventually(() => expect(node.dataplane.ports.get(0)).toBeUndefined());
  });
});
