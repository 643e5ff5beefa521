import { buildIcmpEcho, parseIpv4, TcpFlag } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FabricPeer } from "../fabric/fabricPeer.js";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { SimulatedMachine } from "../ports/simulatedMachine.js";
import { ipv4Addr, ipv6Addr, normalizePrefix } from "../state/ipAddr.js";
import {
  createLoadBalancer,
  createLoadBalancerTarget,
  deleteLoadBalancerTarget,
} from "../state/ops/loadBalancerOps.js";
import { createLoadBalancerPrefix } from "../state/ops/prefixOps.js";
import type { Underlay } from "../state/underlay.js";
import { TestNode } from "./testing/dataplaneFixture.js";

// A public load balancer on node1 (45.86.6.200 TCP/80) with three backends: be1 and be2 on
// node2, be3 on node1 (reached by recirculation through node1's own fabric socket). Clients are
// on the router; backends answer directly (DSR) through their VNI's 0/0 route.

const ROUTER = "fc00:ffff::1";
const LB_IP = "45.86.6.200";
const registry = new MemoryUnderlayRegistry();
let node1: TestNode;
let node2: TestNode;
let router: FabricPeer;
let lb: Underlay;
const backends: { name: string; machine: SimulatedMachine; target: Underlay }[] = [];
const CLIENTS = 90;

/** Which backend received the SYN (or later segment) from client port `port`. */
function backendOf(port: number, since: number[]): string[] {
  return backends
    .filter(
      (b, i) =>
        b.machine.received.filter((p) => p.protocol === "tcp" && p.srcPort === port, since[i]).length > 0,
    )
    .map((b) => b.name);
}

/** Waits until the backends together received `n` TCP segments from clients since `since`. */
async function received(n: number, since: number[]): Promise<void> {
  await eventually(
    () => {
      const got = backends.reduce(
        (sum, b, i) =>
          sum + b.machine.received.filter((p) => p.protocol === "tcp" && p.dstPort === 80, since[i]).length,
        0,
      );
      expect(got).toBeGreaterThanOrEqual(n);
    },
    { timeoutMs: 5000 },
  );
}

beforeAll(async () => {
  node1 = await TestNode.start({ name: "lb-node1", underlay: "fc00:1::/64", registry });
  node2 = await TestNode.start({ name: "lb-node2", underlay: "fc00:2::/64", registry });
  router = await FabricPeer.start({ registry, underlay: ROUTER });
  const lbObject = createLoadBalancer(node1.state, {
    id: "lb1",
    vni: 100,
    ip: ipv4Addr(parseIpv4(LB_IP)!),
    ports: [{ protocol: 6, port: 80 }],
  });
  lb = lbObject.underlay;
  const specs = [
    { name: "be1", node: node2, vf: 0, ip: "10.0.0.11" },
    { name: "be2", node: node2, vf: 1, ip: "10.0.0.12" },
    { name: "be3", node: node1, vf: 0, ip: "10.0.0.13" },
  ];
  for (const s of specs) {
    s.node.iface({ id: s.name, vni: 100, vf: s.vf, ipv4: s.ip });
    const target = createLoadBalancerPrefix(
      s.node.state,
      s.name,
      normalizePrefix(ipv4Addr(parseIpv4(LB_IP)!), 32),
    );
    createLoadBalancerTarget(node1.state, "lb1", ipv6Addr(target.key));
    const machine = await s.node.machine(s.vf, { name: s.name, ipv4: s.ip, extraAddresses: [LB_IP] });
    backends.push({ name: s.name, machine, target });
  }
  node1.route(100, "0.0.0.0/0", ROUTER);
  node2.route(100, "0.0.0.0/0", ROUTER);
});

afterAll(async () => {
  await router?.close();
  await node1?.stop();
  await node2?.stop();
});

describe("load balancer", () => {
  const assignment = new Map<number, string>();

  it("spreads flows over the three backends, which answer directly (DSR)", async () => {
    const since = router.received.mark();
    for (let i = 0; i < CLIENTS; i++)
      router.sendTcp(lb.bytes, `203.0.113.${1 + (i % 3)}`, LB_IP, 20000 + i, 80, TcpFlag.SYN);
    await received(CLIENTS, [0, 0, 0]);
    await eventually(() =>
      expect(router.received.filter((p) => p.inner?.tcpFlags === 0x12, since)).toHaveLength(CLIENTS),
    );
    for (let i = 0; i < CLIENTS; i++) {
      const got = backendOf(20000 + i, [0, 0, 0]);
      expect(got).toHaveLength(1);
      assignment.set(20000 + i, got[0]!);
    }
    const counts = new Map<string, number>();
    for (const b of assignment.values()) counts.set(b, (counts.get(b) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(["be1", "be2", "be3"]);
    for (const n of counts.values()) expect(n).toBeGreaterThan(CLIENTS / 10);
    // The backends saw the LB IP as destination and replied from it straight to the router.
    const synAcks = router.received.filter((p) => p.inner?.tcpFlags === 0x12, since);
    expect(synAcks).toHaveLength(CLIENTS);
    for (const p of synAcks) expect(p.inner).toMatchObject({ src: LB_IP, srcPort: 80, checksumsOk: true });
    const be1Underlay = node2.state.interfaces.get("be1")!.underlay.text;
    expect(synAcks.some((p) => p.outerSrc === be1Underlay)).toBe(true);
    // On node1 the relay to a backend goes out from the host underlay to the LB prefix underlay.
    const flows = node1.dataplane.listFlows().filter((f) => f.translation === "lb");
    expect(flows).toHaveLength(CLIENTS);
  });

  it("keeps the other flows on their backends when one backend is removed", async () => {
    const toBe2 = () => node1.dataplane.listFlows().filter((f) => f.lbTarget === backends[1]!.target.text);
    expect(toBe2().length).toBeGreaterThan(0);
    deleteLoadBalancerTarget(node1.state, "lb1", ipv6Addr(backends[1]!.target.key));
    // Upstream flushes the flows to a deleted target.
    expect(toBe2()).toHaveLength(0);
    const since = backends.map((b) => b.machine.received.mark());
    for (let i = 0; i < CLIENTS; i++)
      router.sendTcp(lb.bytes, `203.0.113.${1 + (i % 3)}`, LB_IP, 20000 + i, 80, TcpFlag.ACK);
    await received(CLIENTS, since);
    let moved = 0;
    for (let i = 0; i < CLIENTS; i++) {
      const before = assignment.get(20000 + i)!;
      const now = backendOf(20000 + i, since);
      expect(now).toHaveLength(1);
      if (before === "be2") {
        expect(now[0]).not.toBe("be2");
        moved++;
      } else {
        expect(now[0]).toBe(before);
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it("Maglev keeps the remaining backends' tuples in place even after the flows are gone", async () => {
    node1.dataplane.flushFlows();
    const since = backends.map((b) => b.machine.received.mark());
    for (let i = 0; i < CLIENTS; i++)
      router.sendTcp(lb.bytes, `203.0.113.${1 + (i % 3)}`, LB_IP, 20000 + i, 80, TcpFlag.SYN);
    await received(CLIENTS, since);
    let kept = 0;
    let others = 0;
    for (let i = 0; i < CLIENTS; i++) {
      const before = assignment.get(20000 + i)!;
      if (before === "be2") continue;
      others++;
      if (backendOf(20000 + i, since)[0] === before) kept++;
    }
    // Maglev moves only a few percent of the other slots when a backend goes.
    expect(kept / others).toBeGreaterThanOrEqual(0.9);
  });

  it("answers pings to the LB IP and drops ports it does not serve", async () => {
    const since = router.received.mark();
    router.send(
      buildIcmpEcho({
        ip: { version: 4, src: parseIpv4("203.0.113.9")!, dst: parseIpv4(LB_IP)! },
        identifier: 11,
        sequence: 1,
      }),
      lb.bytes,
    );
    const reply = await router.received.waitFor((p) => p.inner?.icmpType === 0 && p.inner.icmpId === 11, {
      since,
    });
    expect(reply).toMatchObject({ outerSrc: lb.text, outerDst: ROUTER });
    expect(reply.inner).toMatchObject({ src: LB_IP, dst: "203.0.113.9" });
    const before = node1.dropCount("lb-port-not-served");
    router.sendTcp(lb.bytes, "203.0.113.9", LB_IP, 30000, 81, TcpFlag.SYN);
    await eventually(() => expect(node1.dropCount("lb-port-not-served")).toBe(before + 1));
  });
});
