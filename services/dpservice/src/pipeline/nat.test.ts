import { buildIcmpEcho, parseIpv4, TcpFlag } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FabricPeer, FabricTap } from "../fabric/fabricPeer.js";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { SimulatedMachine } from "../ports/simulatedMachine.js";
import { ipv4Addr } from "../state/ipAddr.js";
import { createNat, deleteNat } from "../state/ops/natOps.js";
import { createNeighborNat } from "../state/ops/neighborNatOps.js";
import type { Underlay } from "../state/underlay.js";
import { TestNode } from "./testing/dataplaneFixture.js";

// NAT gateway: machine A on node1 and machine B on node2 share NAT IP 45.86.6.100 with disjoint
// port ranges [1000, 1100) and [1100, 1200). The router sends every reply for the NAT IP to
// node1's NAT underlay; node1 relays B's replies to node2 (neighbour NAT).

const ROUTER = "fc00:ffff::1";
const NAT_IP = "45.86.6.100";
const SERVER = "93.184.216.34";
const registry = new MemoryUnderlayRegistry();
let node1: TestNode;
let node2: TestNode;
let router: FabricPeer;
let tap2: FabricTap;
let a: SimulatedMachine;
let b: SimulatedMachine;
let natA: Underlay;
let natB: Underlay;

beforeAll(async () => {
  node1 = await TestNode.start({ name: "nat-node1", underlay: "fc00:1::/64", registry });
  node2 = await TestNode.start({ name: "nat-node2", underlay: "fc00:2::/64", registry });
  router = await FabricPeer.start({ registry, underlay: ROUTER, respond: true });
  node1.iface({ id: "a", vni: 100, vf: 0, ipv4: "10.0.0.1" });
  node2.iface({ id: "b", vni: 100, vf: 0, ipv4: "10.0.0.2" });
  const ip = ipv4Addr(parseIpv4(NAT_IP)!);
  natA = createNat(node1.state, "a", { ip, minPort: 1000, maxPort: 1100 });
  natB = createNat(node2.state, "b", { ip, minPort: 1100, maxPort: 1200 });
  createNeighborNat(node1.state, { ip, vni: 100, minPort: 1100, maxPort: 1200, underlay: natB });
  createNeighborNat(node2.state, { ip, vni: 100, minPort: 1000, maxPort: 1100, underlay: natA });
  node1.route(100, "0.0.0.0/0", ROUTER);
  node2.route(100, "0.0.0.0/0", ROUTER);
  router.addPublicRoute(NAT_IP, natA.bytes);
  a = await node1.machine(0, { name: "a", ipv4: "10.0.0.1" });
  b = await node2.machine(0, { name: "b", ipv4: "10.0.0.2" });
  tap2 = await FabricTap.start({
    registry,
    prefix: node2.state.hostUnderlay.bytes,
    target: node2.dataplane.fabric.endpoint,
  });
});

afterAll(async () => {
  await tap2?.close();
  await router?.close();
  await node1?.stop();
  await node2?.stop();
});

describe("two machines sharing one NAT IP", () => {
  it("connect to the same server from the same source port; the server sees disjoint NAT ports", async () => {
    const since = router.received.mark();
    const sinceTap = tap2.captured.mark();
    const synAckA = await a.tcpConnect(SERVER, 443, { srcPort: 40000 });
    const synAckB = await b.tcpConnect(SERVER, 443, { srcPort: 40000 });
    expect(synAckA).toMatchObject({ src: SERVER, dst: "10.0.0.1", dstPort: 40000, checksumsOk: true });
    expect(synAckB).toMatchObject({ src: SERVER, dst: "10.0.0.2", dstPort: 40000, checksumsOk: true });
    const syns = router.received.filter(
      (p) => p.inner?.tcpFlags === TcpFlag.SYN && p.inner.dst === SERVER,
      since,
    );
    expect(syns).toHaveLength(2);
    const [fromA, fromB] = syns.map((p) => p.inner!);
    expect(fromA!.src).toBe(NAT_IP);
    expect(fromB!.src).toBe(NAT_IP);
    expect(fromA!.srcPort).toBeGreaterThanOrEqual(1000);
    expect(fromA!.srcPort).toBeLessThan(1100);
    expect(fromB!.srcPort).toBeGreaterThanOrEqual(1100);
    expect(fromB!.srcPort).toBeLessThan(1200);
    // B's SYN-ACK reached node1 (the router's choice) and was relayed to node2's NAT underlay.
    const relayed = await tap2.captured.waitFor(
      (p) => p.inner?.dstPort === fromB!.srcPort && p.inner.tcpFlags === 0x12,
      {
        since: sinceTap,
      },
    );
    expect(relayed).toMatchObject({ outerSrc: "fc00:1::1", outerDst: natB.text });
    expect(node1.dataplane.pipeline.nat.portsInUse(parseIpv4(NAT_IP)!)).toBe(1);
  });

  it("maps an endpoint to the same NAT port for every destination (endpoint-independent)", async () => {
    const since = router.received.mark();
    await a.tcpConnect("198.51.100.7", 80, { srcPort: 40000 });
    const [first, second] = router.received.filter(
      (p) => p.inner?.tcpFlags === TcpFlag.SYN && p.inner.src === NAT_IP,
    );
    const latest = router.received.filter(
      (p) => p.inner?.tcpFlags === TcpFlag.SYN && p.inner.dst === "198.51.100.7",
      since,
    );
    expect(latest[0]!.inner!.srcPort).toBe(first!.inner!.srcPort);
    expect(second!.inner!.srcPort).not.toBe(first!.inner!.srcPort);
  });

  it("rewrites ICMP echo identifiers into each range, and answers replies", async () => {
    const since = router.received.mark();
    expect(await a.ping("1.1.1.1", { id: 5 })).toMatchObject({
      src: "1.1.1.1",
      dst: "10.0.0.1",
      icmpId: 5,
      checksumsOk: true,
    });
    expect(await b.ping("1.1.1.1", { id: 5 })).toMatchObject({
      src: "1.1.1.1",
      dst: "10.0.0.2",
      icmpId: 5,
      checksumsOk: true,
    });
    const ids = router.received.filter((p) => p.inner?.icmpType === 8, since).map((p) => p.inner!.icmpId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBeGreaterThanOrEqual(1000);
    expect(ids[0]).toBeLessThan(1100);
    expect(ids[1]).toBeGreaterThanOrEqual(1100);
    expect(ids[1]).toBeLessThan(1200);
  });

  it("answers pings to the NAT IP itself", async () => {
    const since = router.received.mark();
    router.send(
      buildIcmpEcho({
        ip: { version: 4, src: parseIpv4(SERVER)!, dst: parseIpv4(NAT_IP)! },
        identifier: 3,
        sequence: 9,
      }),
      natA.bytes,
    );
    const reply = await router.received.waitFor((p) => p.inner?.icmpType === 0 && p.inner.icmpId === 3, {
      since,
    });
    expect(reply).toMatchObject({ outerSrc: natA.text, outerDst: ROUTER });
    expect(reply.inner).toMatchObject({ src: NAT_IP, dst: SERVER, icmpSeq: 9, checksumsOk: true });
  });

  it("drops unsolicited packets to ports of no flow and no neighbour", async () => {
    const before = node1.dropCount("nat-no-flow");
    router.sendTcp(natA.bytes, SERVER, NAT_IP, 443, 1050, TcpFlag.SYN); // a's range, no flow
    router.sendTcp(natA.bytes, SERVER, NAT_IP, 443, 2000, TcpFlag.SYN); // nobody's range
    await eventually(() => expect(node1.dropCount("nat-no-flow")).toBe(before + 2));
  });

  it("flushes the NAT's flows and frees its ports when the NAT is deleted", async () => {
    const ip = parseIpv4(NAT_IP)!;
    expect(node1.dataplane.pipeline.nat.portsInUse(ip)).toBeGreaterThan(0);
    deleteNat(node1.state, "a");
    expect(node1.dataplane.pipeline.nat.portsInUse(ip)).toBe(0);
    expect(node1.dataplane.listFlows().filter((f) => f.translation === "snat-nat")).toHaveLength(0);
    // Re-created with another range: used at once for the same client port.
    const renewed = createNat(node1.state, "a", { ip: ipv4Addr(ip), minPort: 3000, maxPort: 3010 });
    router.addPublicRoute(NAT_IP, renewed.bytes);
    const since = router.received.mark();
    expect(await a.tcpConnect(SERVER, 443, { srcPort: 40000 })).toMatchObject({
      dst: "10.0.0.1",
      dstPort: 40000,
    });
    const syn = router.received.filter((p) => p.inner?.tcpFlags === TcpFlag.SYN, since)[0];
    expect(syn?.inner?.srcPort).toBeGreaterThanOrEqual(3000);
    expect(syn?.inner?.srcPort).toBeLessThan(3010);
  });
});
