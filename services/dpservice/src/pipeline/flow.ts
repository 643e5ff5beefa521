import type { UnderlaySpec } from "@ironcore-ts/packet";
import type { InterfaceEntry, LocalNatEntry } from "../state/interfaceEntry.js";
import type { LoadBalancer } from "../state/loadBalancer.js";
import type { Underlay } from "../state/underlay.js";
import type { RuleCounter } from "./dropCounters.js";
import type { NatMapping } from "./natPortAllocator.js";

/** Where the packets of one direction of a flow go. */
export const OutKind = {
  /** Not resolved yet, or the routes changed since (see FlowSide.resolvedGen). */
  Unresolved: 0,
  /** To a local VM port (FlowSide.outVf). */
  Vf: 1,
  /** Encapsulated onto the fabric (FlowSide.underlay). */
  Fabric: 2,
  /** Dropped (FlowSide.dropReason). */
  Drop: 3,
} as const;

/** What a flow translates (bit flags: a flow can combine a destination and a source translation). */
export const Translation = {
  None: 0,
  /** Source interface IP -> its VIP (south-north). */
  SnatVip: 1,
  /** Source interface IP and port -> NAT IP and a port of the interface's range (south-north). */
  SnatNat: 2,
  /** Destination VIP -> interface IP (inbound from the fabric, or east-west inside the VNI). */
  DnatVip: 4,
  /** Load balanced to a target underlay (no address change: DSR). */
  Lb: 8,
} as const;

/**
 * One direction of a flow: its conntrack key and what is done to its packets. Decided on the
 * flow's first packet, so an established packet costs one Map lookup plus the cached actions.
 */
export class FlowSide {
  declare readonly flow: Flow;
  /** true for the reply direction. */
  declare readonly reply: boolean;
  /** IPv6 conntrack key ("" for IPv4 flows). */
  declare key: string;
  /** IPv4 conntrack key words (flowKey.ts). */
  declare k0: number;
  declare k1: number;
  declare k2: number;
  declare k3: number;
  /** Translation: the new value, or -1 to keep the field. Ports stand for the ICMP echo identifier. */
  declare setSrc4: number;
  declare setDst4: number;
  declare setSrcPort: number;
  declare setDstPort: number;
  declare hasRewrite: boolean;
  /** A pinned output (VF of the destination interface, LB target) does not depend on routes. */
  declare pinned: boolean;
  declare outKind: number;
  declare outVf: number;
  declare underlay: UnderlaySpec | undefined;
  declare dropReason: number;
  /** Route generation the output was resolved at; re-resolved when the routes changed. */
  declare resolvedGen: number;
  /** Route lookup input for unpinned sides: VNI and destination (after translation). */
  declare routeVni: number;
  declare routeDst4: number;
  declare routeDst6: bigint;
  /** Outer source when the output is the fabric: the sending interface's underlay. */
  declare outerSrc: Uint8Array;
  declare packets: number;
  declare bytes: number;

  constructor(flow: Flow, reply: boolean, outerSrc: Uint8Array) {
    this.flow = flow;
    this.reply = reply;
    this.key = "";
    this.k0 = 0;
    this.k1 = 0;
    this.k2 = 0;
    this.k3 = 0;
    this.setSrc4 = -1;
    this.setDst4 = -1;
    this.setSrcPort = -1;
    this.setDstPort = -1;
    this.hasRewrite = false;
    this.pinned = false;
    this.outKind = OutKind.Unresolved;
    this.outVf = -1;
    this.underlay = undefined;
    this.dropReason = 0;
    this.resolvedGen = -1;
    this.routeVni = 0;
    this.routeDst4 = 0;
    this.routeDst6 = 0n;
    this.outerSrc = outerSrc;
    this.packets = 0;
    this.bytes = 0;
  }

  setKeyV4(w0: number, w1: number, w2: number, w3: number): void {
    this.k0 = w0;
    this.k1 = w1;
    this.k2 = w2;
    this.k3 = w3;
  }

  pinVf(vfIndex: number): void {
    this.pinned = true;
    this.outKind = OutKind.Vf;
    this.outVf = vfIndex;
  }

  pinFabric(underlay: UnderlaySpec): void {
    this.pinned = true;
    this.outKind = OutKind.Fabric;
    this.underlay = underlay;
  }

  pinDrop(reason: number): void {
    this.pinned = true;
    this.outKind = OutKind.Drop;
    this.dropReason = reason;
  }

  /** Recomputes whether any field is rewritten (after the set* fields were filled in). */
  updateRewrite(): void {
    this.hasRewrite = this.setSrc4 >= 0 || this.setDst4 >= 0 || this.setSrcPort >= 0 || this.setDstPort >= 0;
  }
}

/** Both directions of a connection plus what conntrack knows about it. */
export class Flow {
  declare readonly id: number;
  declare readonly vni: number;
  declare readonly family: 4 | 6;
  declare readonly protocol: number;
  declare readonly orig: FlowSide;
  declare readonly reply: FlowSide;
  /** The first packet's addresses as it entered (IPv4 as numbers, IPv6 as copied bytes). */
  declare src4: number;
  declare dst4: number;
  declare src6: Uint8Array | undefined;
  declare dst6: Uint8Array | undefined;
  declare srcPort: number;
  declare dstPort: number;
  /** The reply's addresses and ports as it will enter (the original after translation, swapped). */
  declare replySrc4: number;
  declare replyDst4: number;
  declare replySrcPort: number;
  declare replyDstPort: number;
  declare icmpType: number;
  declare icmpCode: number;
  declare tcpState: number;
  declare readonly createdAt: number;
  declare lastSeen: number;
  declare translation: number;
  /** VF index of the port the first packet came from, or -1 for the fabric. */
  declare originVf: number;
  /** Local interface that sent the first packet (egress rules), if any. */
  declare srcIface: InterfaceEntry | undefined;
  /** Local interface the first packet was delivered to (ingress rules), if any. */
  declare dstIface: InterfaceEntry | undefined;
  declare natEntry: LocalNatEntry | undefined;
  declare natMapping: NatMapping | undefined;
  declare lb: LoadBalancer | undefined;
  declare lbTarget: Underlay | undefined;
  /** Firewall generation the verdict was taken at; re-evaluated when rules changed. */
  declare fwGen: number;
  declare fwAccept: boolean;
  /** Counters of the deciding rules (egress, ingress), bumped by every packet of the flow. */
  declare fwCounterA: RuleCounter | undefined;
  declare fwCounterB: RuleCounter | undefined;
  /** Ids of the deciding rules ("default" for a default policy), for listings and traces. */
  declare fwRules: string[];
  /** Firewall match inputs: source before SNAT, destination after DNAT (bigint for IPv6). */
  declare fwSrc: number | bigint;
  declare fwDst: number | bigint;

  constructor(
    id: number,
    vni: number,
    family: 4 | 6,
    protocol: number,
    now: number,
    origOuterSrc: Uint8Array,
    replyOuterSrc: Uint8Array,
  ) {
    this.id = id;
    this.vni = vni;
    this.family = family;
    this.protocol = protocol;
    this.orig = new FlowSide(this, false, origOuterSrc);
    this.reply = new FlowSide(this, true, replyOuterSrc);
    this.src4 = 0;
    this.dst4 = 0;
    this.src6 = undefined;
    this.dst6 = undefined;
    this.srcPort = 0;
    this.dstPort = 0;
    this.replySrc4 = 0;
    this.replyDst4 = 0;
    this.replySrcPort = 0;
    this.replyDstPort = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.tcpState = 0;
    this.createdAt = now;
    this.lastSeen = now;
    this.translation = Translation.None;
    this.originVf = -1;
    this.srcIface = undefined;
    this.dstIface = undefined;
    this.natEntry = undefined;
    this.natMapping = undefined;
    this.lb = undefined;
    this.lbTarget = undefined;
    this.fwGen = -1;
    this.fwAccept = true;
    this.fwCounterA = undefined;
    this.fwCounterB = undefined;
    this.fwRules = [];
    this.fwSrc = 0;
    this.fwDst = 0;
  }
}
