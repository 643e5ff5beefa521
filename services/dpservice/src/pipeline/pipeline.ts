import {
  copyBytes,
  type DropReason,
  EtherType,
  encapsulateInPlace,
  encapsulateInto,
  type Frame,
  IpProtocol,
  isDrop,
  parseFrame,
  parseIpPacket,
  type UnderlaySpec,
  writeU16,
} from "@ironcore-ts/packet";
import type { DataplaneState } from "../state/dataplaneState.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import type { StateEvent } from "../state/stateEvents.js";
import type { VirtualFunction } from "../state/virtualFunction.js";
import type { VnfEntry } from "../state/vnfEntry.js";
import { handleArp } from "./arpResponder.js";
import { classifyL4, L4Class } from "./classifier.js";
import type { Clock } from "./clock.js";
import { Conntrack } from "./conntrack.js";
import { decapsulateFabric } from "./decapStage.js";
import type { DhcpServerOptions } from "./dhcpServer.js";
import { handleDhcp } from "./dhcpServerStage.js";
import { DataplaneCounters } from "./dropCounters.js";
import { ALL_DROP_REASONS, Drop, dropIndex } from "./dropReasons.js";
import { describeEncap } from "./encapStage.js";
import type { FirewallPolicy } from "./firewallStage.js";
import { type Flow, type FlowSide, OutKind, Translation } from "./flow.js";
import { flowKeyV6, keyWord2, keyWord3, LB_KEY_SPACE } from "./flowKey.js";
import { firewallStillValid, setupFlowFromFabric, setupFlowFromVf } from "./flowSetup.js";
import { handleIcmpError } from "./icmpErrorStage.js";
import { NatPortAllocator } from "./natPortAllocator.js";
import { handleNd } from "./ndResponder.js";
import type { PacketSink } from "./packetSink.js";
import { PortMacs } from "./portMacs.js";
import { applyRewrite } from "./rewrite.js";
import { resolveOutput } from "./routingStage.js";
import { nextTcpState, TCP_STATE_NAMES } from "./tcpStateMachine.js";
import type { Trace } from "./trace.js";

const ETHERNET_HEADER = 14;
const OUTER_HEADER = 40;
const IPV6_SRC = 8;
const IPV6_DST = 24;

export interface PipelineOptions {
  state: DataplaneState;
  sink: PacketSink;
  clock: Clock;
  /** Idle timeout of flows (upstream 30 s). */
  flowTimeoutMs?: number;
  /** Idle timeout of established TCP (upstream 86 400 s). */
  establishedTimeoutMs?: number;
  maxFlows?: number;
  firewall?: Partial<FirewallPolicy>;
  dhcp?: Partial<DhcpServerOptions>;
  /** Answer NDP for fe80::1 (upstream --enable-ipv6-overlay); default true. */
  ipv6Overlay?: boolean;
}

/**
 * The packet pipeline of one node, on real bytes (section (b) of the reference):
 *
 *   VF frame -> classifier -> ARP / DHCP / NDP responders
 *                          -> conntrack -> [new flow: DNAT(VIP) -> routing -> firewall -> SNAT(NAT/VIP)]
 *                          -> cached translation -> local VF | encapsulation -> fabric
 *   fabric packet -> decapsulation (outer dst -> underlay entry: VNI and type)
 *                 -> conntrack -> [new flow: VIP DNAT | NAT (echo, neighbour relay) | LB (Maglev)
 *                    | interface] -> firewall -> local VF, or re-encapsulation (LB, relay)
 *
 * A flow's first packet takes every decision and caches it in both directions of its conntrack
 * entry, so an established packet costs one parse, one Map lookup and the cached rewrite and
 * output. Per-packet state lives in fields of this object (no allocation per packet beyond the
 * parsed Frame); tracing is a field that is undefined when off.
 */
export class Pipeline {
  readonly state: DataplaneState;
  readonly clock: Clock;
  sink: PacketSink;
  /** Swapped for a scratch instance during dry-run traces. */
  counters: DataplaneCounters;
  readonly conntrack: Conntrack;
  readonly nat = new NatPortAllocator();
  readonly macs: PortMacs;
  readonly firewallPolicy: FirewallPolicy;
  readonly dhcpOptions: DhcpServerOptions;
  readonly ipv6Overlay: boolean;
  /** When set, every stage reports into it. */
  trace: Trace | undefined = undefined;
  /** Trace simulation: existing flows, NAT ports and counters must not change. */
  dryRun = false;
  /** Flows created while tracing (rolled back after a dry run). */
  traceCreated: Flow[] | undefined = undefined;
  /** Bumped when routes change: flows re-resolve their output lazily. */
  routeGen = 0;
  /** Bumped when firewall rules change: flows re-check their verdict lazily. */
  fwGen = 0;

  // Per-packet scratch (the pipeline is not re-entrant, see PacketSink).
  srcPort = 0;
  dstPort = 0;
  /** Offset of the outer IPv6 header of a fabric packet, -1 for a VF frame. */
  outerAt = -1;
  private vni = 0;
  /** Conntrack key of the current packet (IPv4 words or IPv6 string, see flowKey.ts). */
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;
  private k3 = 0;
  private key6 = "";
  /** VNI as used in conntrack keys (with LB_KEY_SPACE on a load balancer's underlay). */
  private keyVni = 0;
  private iface: InterfaceEntry | undefined = undefined;
  private vnf: VnfEntry | undefined = undefined;
  /** VF of the interface the fabric packet's underlay belongs to, -1 if none (LB) or from a VF. */
  private vnfVf = -1;
  private busy = false;

  private readonly vfs: readonly VirtualFunction[];
  private readonly txBuf = new Uint8Array(65536 + OUTER_HEADER);
  private readonly unsubscribe: () => void;

  constructor(options: PipelineOptions) {
    this.state = options.state;
    this.clock = options.clock;
    this.sink = options.sink;
    this.vfs = options.state.vfs.all;
    this.counters = new DataplaneCounters(this.vfs.length);
    this.conntrack = new Conntrack({
      clock: options.clock,
      flowTimeoutMs: options.flowTimeoutMs ?? 30_000,
      establishedTimeoutMs: options.establishedTimeoutMs ?? 86_400_000,
      maxFlows: options.maxFlows ?? 850_000,
      nat: this.nat,
    });
    this.macs = new PortMacs(this.vfs.length, options.state.hostUnderlay.bytes);
    this.firewallPolicy = { strictIngress: options.firewall?.strictIngress ?? false };
    this.dhcpOptions = { mtu: options.dhcp?.mtu ?? 1500, dns: options.dhcp?.dns ?? [] };
    this.ipv6Overlay = options.ipv6Overlay ?? true;
    this.unsubscribe = options.state.events.subscribe((e) => this.onStateEvent(e));
  }

  close(): void {
    this.unsubscribe();
  }

  // ---------------------------------------------------------------------------------------------
  // Ingress

  /** A frame from the machine on VF `vfIndex`. The buffer may be modified and must not be reused by the caller meanwhile. */
  fromVf(vfIndex: number, buf: Uint8Array): void {
    if (this.busy)
      throw new Error("pipeline re-entered: a PacketSink must deliver to its own pipeline asynchronously");
    this.busy = true;
    try {
      this.vfFrame(vfIndex, buf);
    } finally {
      this.busy = false;
    }
  }

  /** An outer IPv6 packet from the fabric (one UDP datagram). */
  fromFabric(buf: Uint8Array): void {
    if (this.busy)
      throw new Error("pipeline re-entered: a PacketSink must deliver to its own pipeline asynchronously");
    this.busy = true;
    try {
      this.fabricPacket(buf);
    } finally {
      this.busy = false;
    }
  }

  private vfFrame(vfIndex: number, buf: Uint8Array): void {
    const c = this.counters;
    c.processed++;
    c.vfRxPackets[vfIndex]! += 1;
    c.vfRxBytes[vfIndex]! += buf.length;
    this.outerAt = -1;
    const f = parseFrame(buf);
    const trace = this.trace;
    const vf = this.vfs[vfIndex]!;
    const iface = vf.iface;
    if (trace)
      trace.add(
        "ingress",
        "vf",
        `${vf.name}${iface ? ` interface ${iface.id} VNI ${iface.vni}` : " (no interface)"}`,
      );
    if (isDrop(f)) {
      this.dropParse(f.drop, vfIndex);
      return;
    }
    if (f.vlanTci >= 0) {
      this.drop(Drop.vlanTagged, vfIndex);
      return;
    }
    if (f.etherType === EtherType.ARP) {
      handleArp(this, vfIndex, f);
      return;
    }
    const protocol = f.protocol;
    if (f.ipVersion === 4) {
      if (protocol === IpProtocol.UDP && f.dstPort === 67 && f.hasPorts) {
        handleDhcp(this, vfIndex, f);
        return;
      }
    } else if (protocol === IpProtocol.ICMPv6) {
      if (f.isIcmp && f.icmpType >= 133 && f.icmpType <= 137) {
        handleNd(this, vfIndex, f);
        return;
      }
    } else if (protocol === IpProtocol.UDP && f.dstPort === 547 && f.hasPorts) {
      this.drop(Drop.dhcpv6Unsupported, vfIndex);
      return;
    }
    if (iface === undefined) {
      this.drop(Drop.noInterface, vfIndex);
      return;
    }
    if (f.ipVersion === 4 ? iface.ipv4 === undefined : iface.ipv6 === undefined) {
      this.drop(Drop.familyDisabled, vfIndex);
      return;
    }
    this.vni = iface.vni;
    this.keyVni = iface.vni;
    this.iface = iface;
    this.vnf = undefined;
    this.vnfVf = -1;
    this.processIp(f, vfIndex);
  }

  private fabricPacket(buf: Uint8Array): void {
    const c = this.counters;
    c.processed++;
    c.fabricRxPackets++;
    c.fabricRxBytes += buf.length;
    const trace = this.trace;
    const outer = parseIpPacket(buf);
    if (isDrop(outer)) {
      if (trace) trace.add("ingress", "fabric", "malformed outer packet");
      this.dropParse(outer.drop, -1);
      return;
    }
    if (outer.ipVersion !== 6) {
      this.drop(Drop.fabricNotIpv6, -1);
      return;
    }
    const inner = decapsulateFabric(this, outer);
    if (inner === undefined) return;
    const vnf = this.state.underlays.lookup(buf, outer.l3Offset + IPV6_DST);
    if (vnf === undefined) {
      if (trace) trace.add("decap", "unknown-underlay", describeEncap(buf, outer.l3Offset));
      this.drop(Drop.unknownUnderlay, -1);
      return;
    }
    if (trace) trace.add("decap", vnf.type, `${describeEncap(buf, outer.l3Offset)}: VNI ${vnf.vni}`);
    this.outerAt = outer.l3Offset;
    this.vni = vnf.vni;
    this.keyVni = vnf.type === "LB" ? vnf.vni + LB_KEY_SPACE : vnf.vni;
    this.iface = undefined;
    this.vnf = vnf;
    this.vnfVf = vnf.type === "LB" ? -1 : vnf.iface.vf.index;
    this.processIp(inner, -1);
  }

  // ---------------------------------------------------------------------------------------------
  // Conntrack

  private processIp(f: Frame, ingressVf: number): void {
    const cls = classifyL4(f, this);
    if (cls >= 0) {
      this.drop(cls, ingressVf);
      return;
    }
    if (cls === L4Class.IcmpError) {
      handleIcmpError(this, f, this.keyVni, ingressVf);
      return;
    }
    let side: FlowSide | undefined;
    if (f.ipVersion === 4) {
      this.k0 = f.ipv4Src | 0;
      this.k1 = f.ipv4Dst | 0;
      this.k2 = keyWord2(this.srcPort, this.dstPort);
      this.k3 = keyWord3(this.keyVni, f.protocol);
      side = this.conntrack.lookupV4(this.k0, this.k1, this.k2, this.k3);
    } else {
      this.key6 = flowKeyV6(
        this.keyVni,
        f.buf,
        f.l3Offset + IPV6_SRC,
        f.buf,
        f.l3Offset + IPV6_DST,
        this.srcPort,
        this.dstPort,
        f.protocol,
      );
      side = this.conntrack.lookupV6(this.key6);
    }
    if (side !== undefined) {
      const flow = side.flow;
      if (this.vnfVf >= 0 && side.outKind === OutKind.Vf && side.outVf !== this.vnfVf) {
        // Same VNI and tuple, but sent to another interface's underlay (e.g. an LB moved the flow
        // to another backend on this node): the old flow is stale.
        if (this.trace) this.trace.add("conntrack", "stale", `flow ${flow.id} delivers to another interface`);
        this.conntrack.remove(flow);
        this.processIp(f, ingressVf);
        return;
      }
      if (flow.fwGen !== this.fwGen && !firewallStillValid(this, flow)) {
        // The rules changed the verdict: set the flow up again (SNAT may now be needed).
        if (this.trace) this.trace.add("conntrack", "re-evaluate", `flow ${flow.id}: firewall rules changed`);
        this.conntrack.remove(flow);
        this.processIp(f, ingressVf);
        return;
      }
      if (this.trace) {
        const state = flow.protocol === IpProtocol.TCP ? `, tcp ${TCP_STATE_NAMES[flow.tcpState]}` : "";
        this.trace.add(
          "conntrack",
          "established",
          `flow ${flow.id} ${side.reply ? "reply" : "original"} direction${state}`,
        );
      }
      this.forward(f, side, ingressVf);
      return;
    }
    if (this.trace) this.trace.add("conntrack", "new", `VNI ${this.vni}`);
    if (this.conntrack.full) {
      this.drop(Drop.flowTableFull, ingressVf);
      return;
    }
    const flow =
      ingressVf >= 0
        ? setupFlowFromVf(this, f, this.iface!, ingressVf)
        : setupFlowFromFabric(this, f, this.vnf!);
    if (flow === undefined) return; // answered, relayed or dropped by a stage
    this.conntrack.insert(flow);
    if (this.traceCreated) this.traceCreated.push(flow);
    if (this.trace) this.trace.add("conntrack", "commit", `flow ${flow.id}`);
    this.forward(f, flow.orig, ingressVf);
  }

  /** Gives a new flow's original direction the current packet's key. */
  setOrigKey(side: FlowSide): void {
    if (side.flow.family === 4) side.setKeyV4(this.k0, this.k1, this.k2, this.k3);
    else side.key = this.key6;
  }

  /** The cached decisions of an established (or just set up) flow. */
  private forward(f: Frame, side: FlowSide, ingressVf: number): void {
    const flow = side.flow;
    const length = f.ipEnd - f.l3Offset;
    if (!this.dryRun) {
      flow.lastSeen = this.clock.now;
      side.packets++;
      side.bytes += length;
      const a = flow.fwCounterA;
      if (a !== undefined) {
        a.packets++;
        a.bytes += length;
      }
      const b = flow.fwCounterB;
      if (b !== undefined) {
        b.packets++;
        b.bytes += length;
      }
      if (flow.protocol === IpProtocol.TCP)
        flow.tcpState = nextTcpState(flow.tcpState, f.tcpFlags, side.reply);
    }
    if (!flow.fwAccept) {
      if (this.trace) this.trace.add("firewall", "drop", `flow ${flow.id}: ${flow.fwRules.join(", ")}`);
      this.drop(Drop.firewall, ingressVf);
      return;
    }
    if (side.hasRewrite) {
      applyRewrite(f, side);
      if (this.trace) this.trace.add("translate", translationName(flow, side), describeRewrite(side));
    }
    this.output(f, side, ingressVf);
  }

  /** Sends a packet of `side` where its flow direction goes. */
  output(f: Frame, side: FlowSide, ingressVf: number): void {
    if (!side.pinned && side.resolvedGen !== this.routeGen)
      resolveOutput(this.state.vnis, side, this.routeGen);
    switch (side.outKind) {
      case OutKind.Vf:
        this.deliverToVf(f, side.outVf, ingressVf);
        return;
      case OutKind.Fabric:
        // No transit: what came from the fabric goes back only when pinned (LB target).
        if (ingressVf < 0 && !side.pinned) {
          this.drop(Drop.noTransit, ingressVf);
          return;
        }
        this.sendToFabric(f, side.underlay!, ingressVf);
        return;
      default:
        this.drop(side.dropReason, ingressVf);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Egress

  /** To a VM port: MACs rewritten in place, or an Ethernet header written over the outer header's tail. */
  deliverToVf(f: Frame, vfIndex: number, ingressVf: number): void {
    const buf = f.buf;
    let at: number;
    if (f.l2Offset >= 0) {
      at = f.l2Offset;
    } else {
      at = f.l3Offset - ETHERNET_HEADER;
      writeU16(buf, at + 12, f.ipVersion === 4 ? EtherType.IPv4 : EtherType.IPv6);
    }
    copyBytes(this.macs.guest[vfIndex]!, 0, buf, at, 6);
    copyBytes(this.macs.port[vfIndex]!, 0, buf, at + 6, 6);
    const length = f.ipEnd - at;
    if (this.trace)
      this.trace.add(
        "output",
        "vf",
        `${this.vfs[vfIndex]!.name}${this.vfs[vfIndex]!.iface ? ` (${this.vfs[vfIndex]!.iface!.id})` : ""}`,
      );
    if (!this.sink.toVf(vfIndex, buf, at, length)) {
      this.drop(Drop.portNotAttached, ingressVf);
      return;
    }
    this.counters.vfTxPackets[vfIndex]! += 1;
    this.counters.vfTxBytes[vfIndex]! += length;
  }

  /**
   * Encapsulates and sends to the fabric: into the reused send buffer for a VF frame (it has 14 bytes
   * of headroom, not 40), in place over the old outer header for a packet from the fabric.
   */
  sendToFabric(f: Frame, underlay: UnderlaySpec, ingressVf: number): void {
    let ok: boolean;
    let length: number;
    if (f.l3Offset >= OUTER_HEADER && f.l2Offset < 0) {
      length = f.ipEnd - f.l3Offset + OUTER_HEADER;
      encapsulateInPlace(f.buf, f.l3Offset, f.ipEnd - f.l3Offset, underlay);
      if (this.trace)
        this.trace.add(
          "encap",
          f.ipVersion === 4 ? "ipv4-in-ipv6" : "ipv6-in-ipv6",
          describeEncap(f.buf, f.l3Offset - OUTER_HEADER),
        );
      ok = this.sink.toFabric(f.buf, f.l3Offset - OUTER_HEADER, length);
    } else {
      length = encapsulateInto(this.txBuf, 0, f.ipPacket, underlay);
      if (this.trace)
        this.trace.add(
          "encap",
          f.ipVersion === 4 ? "ipv4-in-ipv6" : "ipv6-in-ipv6",
          describeEncap(this.txBuf, 0),
        );
      ok = this.sink.toFabric(this.txBuf, 0, length);
    }
    if (this.trace) this.trace.add("output", ok ? "fabric" : "no-endpoint");
    if (!ok) {
      this.drop(Drop.fabricNoEndpoint, ingressVf);
      return;
    }
    this.counters.fabricTxPackets++;
    this.counters.fabricTxBytes += length;
  }

  /** A control packet (ARP/DHCP/NDP reply) built by a responder, to a VM port. */
  emitToVf(vfIndex: number, frame: Uint8Array): void {
    if (this.trace) this.trace.add("output", "vf", this.vfs[vfIndex]!.name);
    if (!this.sink.toVf(vfIndex, frame, 0, frame.length)) {
      this.drop(Drop.portNotAttached, vfIndex);
      return;
    }
    this.counters.vfTxPackets[vfIndex]! += 1;
    this.counters.vfTxBytes[vfIndex]! += frame.length;
  }

  /** A bare IP packet built by a responder, encapsulated to the fabric. */
  emitToFabric(packet: Uint8Array, underlay: UnderlaySpec): void {
    const length = encapsulateInto(this.txBuf, 0, packet, underlay);
    if (this.trace)
      this.trace.add(
        "encap",
        packet[0]! >> 4 === 4 ? "ipv4-in-ipv6" : "ipv6-in-ipv6",
        describeEncap(this.txBuf, 0),
      );
    if (!this.sink.toFabric(this.txBuf, 0, length)) {
      this.drop(Drop.fabricNoEndpoint, -1);
      return;
    }
    if (this.trace) this.trace.add("output", "fabric");
    this.counters.fabricTxPackets++;
    this.counters.fabricTxBytes += length;
  }

  // ---------------------------------------------------------------------------------------------
  // Drops

  drop(index: number, ingressVf: number): void {
    this.counters.drops[index]! += 1;
    if (ingressVf >= 0) this.counters.vfDrops[ingressVf]! += 1;
    if (this.trace) {
      this.trace.dropReason = ALL_DROP_REASONS[index]!;
      this.trace.add("drop", ALL_DROP_REASONS[index]!);
    }
  }

  dropParse(reason: DropReason, ingressVf: number): void {
    this.drop(dropIndex(reason), ingressVf);
  }

  // ---------------------------------------------------------------------------------------------
  // State changes

  /** Upstream flushes the flows set up through something that is gone; routes re-resolve lazily. */
  private onStateEvent(e: StateEvent): void {
    const ct = this.conntrack;
    switch (e.type) {
      case "interface-deleted":
        ct.flushWhere((f) => f.srcIface === e.iface || f.dstIface === e.iface);
        this.routeGen++;
        break;
      case "vip-deleted":
        ct.flushWhere(
          (f) =>
            (f.translation & (Translation.SnatVip | Translation.DnatVip)) !== 0 &&
            (f.srcIface === e.iface || f.dstIface === e.iface),
        );
        break;
      case "nat-deleted":
        ct.flushWhere((f) => f.natEntry === e.nat);
        break;
      case "lb-deleted":
        ct.flushWhere((f) => f.lb === e.lb);
        break;
      case "lb-target-deleted":
        ct.flushWhere((f) => f.lb === e.lb && f.lbTarget?.key === e.target.key);
        break;
      case "routes-changed":
        this.routeGen++;
        break;
      case "firewall-changed":
        this.fwGen++;
        break;
      case "neighbor-nat-deleted":
        // Relayed packets have no flows.
        break;
    }
  }
}

function translationName(flow: Flow, side: FlowSide): string {
  const t = flow.translation;
  const names: string[] = [];
  if (t & Translation.SnatNat) names.push(side.reply ? "un-nat" : "snat-nat");
  if (t & Translation.SnatVip) names.push(side.reply ? "un-vip" : "snat-vip");
  if (t & Translation.DnatVip) names.push(side.reply ? "un-dnat-vip" : "dnat-vip");
  return names.join("+") || "rewrite";
}

function describeRewrite(side: FlowSide): string {
  const parts: string[] = [];
  const ip = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  if (side.setSrc4 >= 0) parts.push(`src -> ${ip(side.setSrc4)}`);
  if (side.setDst4 >= 0) parts.push(`dst -> ${ip(side.setDst4)}`);
  if (side.setSrcPort >= 0) parts.push(`src port/id -> ${side.setSrcPort}`);
  if (side.setDstPort >= 0) parts.push(`dst port/id -> ${side.setDstPort}`);
  return parts.join(", ");
}
