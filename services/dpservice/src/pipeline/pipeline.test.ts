import {
  buildIcmpError,
  buildPacket,
  encapsulate,
  IcmpType,
  IcmpUnreachableCode,
  ipv6ToBigInt,
  isDrop,
  parseFrame,
  parseIcmpErrorInner,
  parseIpPacket,
  parseIpv4,
  parseIpv6,
  parseMac,
  TcpFlag,
} from "@ironcore-ts/packet";
import { beforeEach, describe, expect, it } from "vitest";
import { summarizeEthernet, summarizeIp } from "../ports/packetSummary.js";
import { DataplaneState } from "../state/dataplaneState.js";
import { ipv4Addr, ipv6Addr, normalizePrefix } from "../state/ipAddr.js";
import { createInterface, deleteInterface } from "../state/ops/interfaceOps.js";
import { createNat } from "../state/ops/natOps.js";
import { createRoute } from "../state/ops/routeOps.js";
import { initialize } from "../state/ops/vniOps.js";
import type { Underlay } from "../state/underlay.js";
import { ManualClock } from "./clock.js";
import { type AnyDropReason, dropIndex } from "./dropReasons.js";
import { listFlows } from "./flowListing.js";
import type { PacketSink } from "./packetSink.js";
import { Pipeline } from "./pipeline.js";
import { TEST_VFS } from "./testing/dataplaneFixture.js";

// The pipeline in-process, without sockets: a capturing sink and a clock moved by hand.

interface Captured {
  kind: "vf" | "fabric";
  vf: number;
  bytes: Uint8Array;
}

class CaptureSink implements PacketSink {
  readonly out: Captured[] = [];
  toVf(vf: number, buf: Uint8Array, offset: number, length: number): boolean {
    this.out.push({ kind: "vf", vf, bytes: buf.slice(offset, offset + length) });
    return true;
  }
  toFabric(buf: Uint8Array, offset: number, length: number): boolean {
    this.out.push({ kind: "fabric", vf: -1, bytes: buf.slice(offset, offset + length) });
    return true;
  }
}

const ROUTER = parseIpv6("fc00:ffff::1")!;
const NAT_IP = parseIpv4("45.86.6.100")!;
const VM_MAC = parseMac("52:54:00:00:00:01")!;
let state: DataplaneState;
let sink: CaptureSink;
let clock: ManualClock;
let p: Pipeline;
let nat: Underlay;

function frame(spec: Parameters<typeof buildPacket>[0]["l4"], dst = "8.8.8.8", src = "10.0.0.1"): Uint8Array {
  return buildPacket({
    ethernet: { src: VM_MAC, dst: p.macs.port[0]! },
    ip: { version: 4, src: parseIpv4(src)!, dst: parseIpv4(dst)! },
    l4: spec,
  });
}

beforeEach(() => {
  state = new DataplaneState({
    hostUnderlay: parseIpv6("fc00:1::1")!,
    vfNames: TEST_VFS,
    staticUnderlays: true,
  });
  initialize(state);
  createInterface(state, { id: "vm1", vni: 100, deviceName: TEST_VFS[0]!, ipv4: parseIpv4("10.0.0.1") });
  nat = createNat(state, "vm1", { ip: ipv4Addr(NAT_IP), minPort: 1000, maxPort: 1002 });
  createRoute(state, 100, normalizePrefix(ipv4Addr(0), 0), 100, ipv6Addr(ipv6ToBigInt(ROUTER)));
  sink = new CaptureSink();
  clock = new ManualClock();
  p = new Pipeline({ state, sink, clock, flowTimeoutMs: 30_000, establishedTimeoutMs: 86_400_000 });
});

describe("conntrack ageing", () => {
  it("expires idle flows after 30 s and frees their NAT ports; established TCP lives on", () => {
    p.fromVf(0, frame({ kind: "udp", srcPort: 5000, dstPort: 53 }));
    p.fromVf(0, frame({ kind: "tcp", srcPort: 5001, dstPort: 443, flags: TcpFlag.SYN }));
    expect(p.conntrack.size).toBe(2);
    expect(p.nat.portsInUse(NAT_IP)).toBe(2);
    // Complete the handshake: SYN-ACK from the server to the NAT port, ACK from the VM.
    const synOut = summarizeIp(sink.out[1]!.bytes.subarray(40))!;
    const synAck = buildPacket({
      ip: { version: 4, src: parseIpv4("8.8.8.8")!, dst: NAT_IP },
      l4: {
        kind: "tcp",
        srcPort: 443,
        dstPort: synOut.srcPort,
        flags: TcpFlag.SYN | TcpFlag.ACK,
        seq: 1,
        ack: 1,
      },
    });
    p.fromFabric(encapsulate(synAck, { src: ROUTER, dst: nat.bytes }));
    expect(sink.out.at(-1)).toMatchObject({ kind: "vf", vf: 0 });
    p.fromVf(0, frame({ kind: "tcp", srcPort: 5001, dstPort: 443, flags: TcpFlag.ACK }));
    expect(listFlows(p.conntrack, clock.now, () => "").map((f) => f.state)).toEqual([
      "active",
      "established",
    ]);
    clock.advance(31_000);
    expect(p.conntrack.age()).toBe(1);
    expect(p.conntrack.size).toBe(1);
    expect(p.nat.portsInUse(NAT_IP)).toBe(1);
    clock.advance(86_400_000);
    expect(p.conntrack.age()).toBe(1);
    expect(p.nat.portsInUse(NAT_IP)).toBe(0);
  });

  it("drops when the NAT range is exhausted (max port exclusive) and reuses freed ports", () => {
    for (const port of [6000, 6001, 6002]) p.fromVf(0, frame({ kind: "udp", srcPort: port, dstPort: 53 }));
    expect(sink.out).toHaveLength(2);
    const ports = sink.out.map((o) => summarizeIp(o.bytes.subarray(40))!.srcPort).sort();
    expect(ports).toEqual([1000, 1001]);
    expect(p.counters.drops[dropSlot("nat-ports-exhausted")]).toBe(1);
    clock.advance(31_000);
    p.conntrack.age();
    p.fromVf(0, frame({ kind: "udp", srcPort: 6002, dstPort: 53 }));
    expect(sink.out).toHaveLength(3);
  });

  it("flushes an interface's flows when it is deleted", () => {
    p.fromVf(0, frame({ kind: "udp", srcPort: 5000, dstPort: 53 }));
    expect(p.conntrack.size).toBe(1);
    deleteInterface(state, "vm1");
    expect(p.conntrack.size).toBe(0);
    expect(p.nat.portsInUse(NAT_IP)).toBe(0);
  });
});

describe("ICMP errors", () => {
  it("returns 'fragmentation needed' through the NAT to the VM, quoted header translated back", () => {
    p.fromVf(0, frame({ kind: "udp", srcPort: 5000, dstPort: 53, payload: new Uint8Array(100) }));
    const sent = parseIpPacket(sink.out[0]!.bytes.slice(40));
    if (isDrop(sent)) throw new Error("bad packet");
    expect(sent.ipv4Src).toBe(NAT_IP);
    // A router on the way answers with frag-needed, quoting the translated packet.
    const error = buildIcmpError(sent, {
      src: parseIpv4("192.0.2.1")!,
      type: IcmpType.DestinationUnreachable,
      code: IcmpUnreachableCode.FragmentationNeeded,
      rest: 1280,
    })!;
    p.fromFabric(encapsulate(error, { src: ROUTER, dst: nat.bytes }));
    const delivered = sink.out.at(-1)!;
    expect(delivered).toMatchObject({ kind: "vf", vf: 0 });
    const f = parseFrame(delivered.bytes);
    if (isDrop(f)) throw new Error("bad frame");
    expect(summarizeEthernet(delivered.bytes)).toMatchObject({
      src: "192.0.2.1",
      dst: "10.0.0.1",
      icmpType: 3,
      icmpCode: 4,
      checksumsOk: true,
    });
    const inner = parseIcmpErrorInner(f);
    if (isDrop(inner)) throw new Error("bad quote");
    expect([inner.ipv4Src, inner.srcPort, inner.ipv4Dst, inner.dstPort]).toEqual([
      parseIpv4("10.0.0.1"),
      5000,
      parseIpv4("8.8.8.8"),
      53,
    ]);
  });

  it("drops errors that belong to no flow, and other ICMP types", () => {
    const stray = buildPacket({
      ip: { version: 4, src: parseIpv4("192.0.2.1")!, dst: NAT_IP },
      l4: { kind: "icmp", type: IcmpType.TimeExceeded, payload: new Uint8Array(28) },
    });
    p.fromFabric(encapsulate(stray, { src: ROUTER, dst: nat.bytes }));
    expect(p.counters.drops[dropSlot("icmp-type")]).toBe(1);
  });
});

describe("classification", () => {
  it("counts malformed frames, other protocols and fragments by reason", () => {
    p.fromVf(0, new Uint8Array(10));
    p.fromVf(0, frame({ kind: "raw", protocol: 47, payload: new Uint8Array(8) }));
    p.fromVf(
      0,
      buildPacket({
        ethernet: { src: VM_MAC, dst: p.macs.port[0]! },
        ip: { version: 4, src: parseIpv4("10.0.0.1")!, dst: parseIpv4("8.8.8.8")!, moreFragments: true },
        l4: { kind: "udp", srcPort: 1, dstPort: 2, payload: new Uint8Array(16) },
      }),
    );
    p.fromVf(3, frame({ kind: "udp", srcPort: 5000, dstPort: 53 }));
    expect(p.counters.drops[dropSlot("truncated-ethernet")]).toBe(1);
    expect(p.counters.drops[dropSlot("unsupported-protocol")]).toBe(1);
    expect(p.counters.drops[dropSlot("fragmented")]).toBe(1);
    expect(p.counters.drops[dropSlot("no-interface")]).toBe(1);
    expect(p.counters.vfDrops[0]).toBe(3);
    expect(sink.out).toHaveLength(0);
  });

  it("drops fabric packets for unknown underlays and non-tunnel packets", () => {
    const inner = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    p.fromFabric(encapsulate(inner, { src: ROUTER, dst: parseIpv6("fc00:1::dead")! }));
    p.fromFabric(inner);
    expect(p.counters.drops[dropSlot("unknown-underlay")]).toBe(1);
    expect(p.counters.drops[dropSlot("fabric-not-ipv6")]).toBe(1);
  });

  it("refuses to be re-entered by its own sink", () => {
    p.sink = {
      toVf: () => true,
      toFabric: (buf, offset, length) => {
        p.fromFabric(buf.slice(offset, offset + length));
        return true;
      },
    };
    expect(() => p.fromVf(0, frame({ kind: "udp", srcPort: 5000, dstPort: 53 }))).toThrow(/re-entered/);
  });
});

function dropSlot(reason: AnyDropReason): number {
  return dropIndex(reason);
}
