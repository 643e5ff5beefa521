import { buildPacket, parseIpv4, TcpFlag } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { SimulatedMachine } from "../ports/simulatedMachine.js";
import { ipv4, prefix, t } from "../testing/dpdkTestClient.js";
import { TestNode } from "./testing/dataplaneFixture.js";

// Enforced, stateful firewall. vm2 (node2) has ingress rules admitting only TCP/22 from 10.0.0.1;
// everything else new towards it is dropped, counted per reason and per rule, and a trace names
// the deciding rule.

const registry = new MemoryUnderlayRegistry();
let node1: TestNode;
let node2: TestNode;
let vm1: SimulatedMachine; // 10.0.0.1 on node1
let vm5: SimulatedMachine; // 10.0.0.5 on node1
let vm2: SimulatedMachine; // 10.0.0.2 on node2, firewalled

beforeAll(async () => {
  node1 = await TestNode.start({ name: "fw-node1", underlay: "fc00:1::/64", registry, grpc: true });
  node2 = await TestNode.start({ name: "fw-node2", underlay: "fc00:2::/64", registry, grpc: true });
  const i1 = node1.iface({ id: "vm1", vni: 100, vf: 0, ipv4: "10.0.0.1" });
  const i5 = node1.iface({ id: "vm5", vni: 100, vf: 1, ipv4: "10.0.0.5" });
  const i2 = node2.iface({ id: "vm2", vni: 100, vf: 0, ipv4: "10.0.0.2" });
  node1.route(100, "10.0.0.2/32", i2.underlay.bytes);
  node2.route(100, "10.0.0.1/32", i1.underlay.bytes);
  node2.route(100, "10.0.0.5/32", i5.underlay.bytes);
  vm1 = await node1.machine(0, { name: "vm1", ipv4: "10.0.0.1" });
  vm5 = await node1.machine(1, { name: "vm5", ipv4: "10.0.0.5" });
  vm2 = await node2.machine(0, { name: "vm2", ipv4: "10.0.0.2" });
  // Through the upstream API: an ACCEPT rule (DROP rules are accepted too, see below).
  const res = await node2.dpdk!.call("createFirewallRule", {
    interfaceId: t("vm2"),
    rule: {
      id: t("allow-ssh"),
      direction: 0, // INGRESS
      action: 1, // ACCEPT
      priority: 1000,
      sourcePrefix: prefix("10.0.0.1/32"),
      destinationPrefix: prefix("0.0.0.0/0"),
      protocolFilter: {
        filter: {
          case: "tcp",
          value: { srcPortLower: -1, srcPortUpper: -1, dstPortLower: 22, dstPortUpper: 22 },
        },
      },
    },
  });
  expect(res.status?.code).toBe(0);
});

afterAll(async () => {
  await node1?.stop();
  await node2?.stop();
});

describe("ingress rules on vm2: only TCP/22 from 10.0.0.1", () => {
  it("admits TCP/22 from 10.0.0.1 and its replies (stateful)", async () => {
    const synAck = await vm1.tcpConnect("10.0.0.2", 22, { srcPort: 50022 });
    expect(synAck).toMatchObject({ src: "10.0.0.2", srcPort: 22, dstPort: 50022 });
  });

  it("drops other ports, other sources and ICMP, and counts them", async () => {
    const before = node2.dropCount("firewall");
    const since = vm2.received.mark();
    await expect(vm1.tcpConnect("10.0.0.2", 80, { srcPort: 50080, timeoutMs: 300 })).rejects.toThrow(
      /timed out/,
    );
    await expect(vm5.tcpConnect("10.0.0.2", 22, { srcPort: 50122, timeoutMs: 300 })).rejects.toThrow(
      /timed out/,
    );
    await expect(vm1.ping("10.0.0.2", { id: 7, timeoutMs: 300 })).rejects.toThrow(/timed out/);
    // A second SYN of the denied flow is dropped from the cached verdict.
    vm1.sendTcp("10.0.0.2", 50080, 80, TcpFlag.SYN);
    await eventually(() => expect(node2.dropCount("firewall")).toBe(before + 4));
    // (The ACK completing the first test's handshake may arrive in this window.)
    expect(vm2.received.filter((p) => p.protocol !== "arp" && p.srcPort !== 50022, since)).toHaveLength(0);
    const stats = await node2.ext!.call("getStats", {});
    expect(stats.drops.find((d) => d.reason === "firewall")?.packets).toBe(BigInt(before + 4));
    const rule = stats.firewallRules.find((r) => r.ruleId === "allow-ssh");
    expect(rule).toMatchObject({ interfaceId: "vm2", direction: "ingress", action: "accept" });
    // SYN and ACK in, SYN-ACK out: the rule counts its flow's packets both ways.
    expect(rule?.packets).toBe(3n);
    expect(
      stats.firewallRules.find((r) => r.ruleId === "default" && r.direction === "ingress"),
    ).toMatchObject({
      action: "drop",
      packets: 4n,
    });
    const vm2Port = stats.interfaces.find((i) => i.interfaceId === "vm2");
    expect(vm2Port?.drops).toBe(0n); // dropped on the fabric side, not on vm2's port
  });

  it("names the deciding rule in a trace (dry run at node1, continued at node2)", async () => {
    const syn = (dstPort: number) =>
      buildPacket({
        ethernet: { src: vm1.mac, dst: vm1.gatewayMac },
        ip: { version: 4, src: parseIpv4("10.0.0.1")!, dst: parseIpv4("10.0.0.2")! },
        l4: { kind: "tcp", srcPort: 51000 + dstPort, dstPort, flags: TcpFlag.SYN },
      });
    for (const [port, decision, rule] of [
      [22, "accept", "ingress rule allow-ssh (accept)"],
      [443, "drop", "no ingress rule matched: default deny"],
    ] as const) {
      const at1 = await node1.ext!.call("tracePacket", {
        ingress: { source: { case: "vfName", value: vm1Vf() } },
        packet: syn(port),
      });
      expect(at1.stages.map((s) => s.stage)).toEqual([
        "ingress",
        "conntrack",
        "dnat",
        "routing",
        "firewall",
        "snat",
        "conntrack",
        "encap",
        "output",
      ]);
      expect(at1.stages.find((s) => s.stage === "routing")?.detail).toMatch(
        /^10\.0\.0\.2\/32 -> next hop fc00:2::/,
      );
      expect(at1.outputs).toHaveLength(1);
      expect(at1.dropReason).toBe("");
      const at2 = await node2.ext!.call("tracePacket", {
        ingress: { source: { case: "fabric", value: true } },
        packet: at1.outputs[0]!.packet,
      });
      const fw = at2.stages.find((s) => s.stage === "firewall");
      expect(fw).toEqual(expect.objectContaining({ decision, detail: `vm2 ingress: ${rule}` }));
      expect(at2.dropReason).toBe(decision === "drop" ? "firewall" : "");
    }
    // Dry runs: no flows left behind, no counters moved.
    const flows = await node2.ext!.call("listFlows", {});
    expect(
      flows.flows.filter((f) => f.original?.srcPort === 51022 || f.original?.srcPort === 51443),
    ).toHaveLength(0);
  });

  it("enforces DROP rules, first match wins, and re-evaluates flows when rules change", async () => {
    // Before the accept rule: drop TCP/22 from vm5 explicitly; then allow all TCP/22.
    await node2.dpdk!.call("createFirewallRule", {
      interfaceId: t("vm2"),
      rule: {
        id: t("deny-vm5"),
        direction: 0,
        action: 0, // DROP
        sourcePrefix: prefix("10.0.0.5/32"),
        destinationPrefix: prefix("0.0.0.0/0"),
      },
    });
    await node2.dpdk!.call("createFirewallRule", {
      interfaceId: t("vm2"),
      rule: {
        id: t("allow-all-ssh"),
        direction: 0,
        action: 1,
        sourcePrefix: prefix("0.0.0.0/0"),
        destinationPrefix: { ip: ipv4("10.0.0.2"), length: 32 },
        protocolFilter: {
          filter: {
            case: "tcp",
            value: { srcPortLower: -1, srcPortUpper: -1, dstPortLower: 22, dstPortUpper: 22 },
          },
        },
      },
    });
    await expect(vm5.tcpConnect("10.0.0.2", 22, { srcPort: 50222, timeoutMs: 300 })).rejects.toThrow(
      /timed out/,
    );
    const stats = await node2.ext!.call("getStats", {});
    expect(stats.firewallRules.find((r) => r.ruleId === "deny-vm5")?.packets).toBe(1n);
    // Deleting the DROP rule: the cached verdict of vm5's earlier flow is re-evaluated.
    await node2.dpdk!.call("deleteFirewallRule", { interfaceId: t("vm2"), ruleId: t("deny-vm5") });
    expect(await vm5.tcpConnect("10.0.0.2", 22, { srcPort: 50222 })).toMatchObject({ srcPort: 22 });
  });
});

function vm1Vf(): string {
  return node1.state.interfaces.get("vm1")!.vf.name;
}
