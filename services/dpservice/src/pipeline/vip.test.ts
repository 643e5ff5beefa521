import { buildIcmpEcho, parseIpv4, TcpFlag } from "@ironcore-ts/packet";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FabricPeer } from "../fabric/fabricPeer.js";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { SimulatedMachine } from "../ports/simulatedMachine.js";
import { ipv4Addr } from "../state/ipAddr.js";
import { createVip } from "../state/ops/vipOps.js";
import type { Underlay } from "../state/underlay.js";
import { TestNode } from "./testing/dataplaneFixture.js";

// VIP (1:1 NAT) between a machine and "outside": the router node on the fabric (fc00:ffff::/64)
// that the VNI's 0/0 route points to, and that routes the VIP to the VIP's underlay.

const ROUTER = "fc00:ffff::1";
const VIP = "45.86.6.1";
const CLIENT = "93.184.216.34";
const registry = new MemoryUnderlayRegistry();
let node: TestNode;
let router: FabricPeer;
let vm1: SimulatedMachine; // 10.0.0.1, VIP 45.86.6.1
let vm2: SimulatedMachine; // 10.0.0.2, same VNI, no VIP
let vipUnderlay: Underlay;
let vm1Underlay: Underlay;

beforeAll(async () => {
  node = await TestNode.start({ name: "vip-node", underlay: "fc00:1::/64", registry });
  router = await FabricPeer.start({ registry, underlay: ROUTER, respond: true });
  vm1Underlay = node.iface({ id: "vm1", vni: 100, vf: 0, ipv4: "10.0.0.1" }).underlay;
  node.iface({ id: "vm2", vni: 100, vf: 1, ipv4: "10.0.0.2" });
  vipUnderlay = createVip(node.state, "vm1", ipv4Addr(parseIpv4(VIP)!));
  node.route(100, "0.0.0.0/0", ROUTER);
  router.addPublicRoute(VIP, vipUnderlay.bytes);
  vm1 = await node.machine(0, { name: "vm1", ipv4: "10.0.0.1" });
  vm2 = await node.machine(1, { name: "vm2", ipv4: "10.0.0.2" });
});

afterAll(async () => {
  await router?.close();
  await node?.stop();
});

describe("VIP", () => {
  it("delivers traffic from outside to the machine and sends its reply out from the VIP", async () => {
    const since = router.received.mark();
    router.sendTcp(vipUnderlay.bytes, CLIENT, VIP, 33000, 80, TcpFlag.SYN);
    const syn = await vm1.received.waitFor((p) => p.protocol === "tcp" && p.srcPort === 33000);
    expect(syn).toMatchObject({ src: CLIENT, dst: "10.0.0.1", dstPort: 80, checksumsOk: true });
    // vm1 answered SYN-ACK; node1 translated it to the VIP and routed it 0/0 to the router.
    const out = await router.received.waitFor((p) => p.inner?.dstPort === 33000, { since });
    expect(out).toMatchObject({ outerSrc: vm1Underlay.text, outerDst: ROUTER });
    expect(out.inner).toMatchObject({
      src: VIP,
      dst: CLIENT,
      srcPort: 80,
      tcpFlags: 0x12,
      checksumsOk: true,
    });
  });

  it("translates the machine's own south-north traffic to the VIP, and the replies back", async () => {
    const since = router.received.mark();
    const reply = await vm1.ping("1.1.1.1", { id: 0x4321 });
    expect(reply).toMatchObject({ src: "1.1.1.1", dst: "10.0.0.1", icmpId: 0x4321, checksumsOk: true });
    const out = await router.received.waitFor((p) => p.inner?.icmpType === 8 && p.inner.dst === "1.1.1.1", {
      since,
    });
    // 1:1 NAT keeps the identifier; the router answered towards the VIP's underlay.
    expect(out.inner).toMatchObject({ src: VIP, icmpId: 0x4321 });
  });

  it("answers pings from outside to the VIP from the machine", async () => {
    const since = router.received.mark();
    router.send(echo(CLIENT, VIP, 77), vipUnderlay.bytes);
    const back = await router.received.waitFor((p) => p.inner?.icmpType === 0 && p.inner.icmpId === 77, {
      since,
    });
    expect(back.inner).toMatchObject({ src: VIP, dst: CLIENT });
    expect(vm1.received.filter((p) => p.icmpId === 77 && p.dst === "10.0.0.1")).toHaveLength(1);
  });

  it("translates east-west traffic to the VIP inside the VNI", async () => {
    const reply = await vm2.ping(VIP, { id: 0x99 });
    expect(reply).toMatchObject({ src: VIP, dst: "10.0.0.2" });
    expect(
      vm1.received.filter((p) => p.icmpId === 0x99 && p.dst === "10.0.0.1" && p.src === "10.0.0.2"),
    ).toHaveLength(1);
  });

  it("drops packets on the VIP underlay that are not for the VIP", async () => {
    const before = node.dropCount("vip-mismatch");
    router.send(echo(CLIENT, "45.86.6.99", 78), vipUnderlay.bytes);
    await eventually(() => expect(node.dropCount("vip-mismatch")).toBe(before + 1));
  });
});

function echo(src: string, dst: string, id: number): Uint8Array {
  return buildIcmpEcho({
    ip: { version: 4, src: parseIpv4(src)!, dst: parseIpv4(dst)! },
    identifier: id,
    sequence: 1,
  });
}
