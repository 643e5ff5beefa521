import { formatIpv4, formatIpv6, IpProtocol } from "@ironcore-ts/packet";
import { protocolName } from "./classifier.js";
import type { Conntrack } from "./conntrack.js";
import { type Flow, Translation } from "./flow.js";
import { TCP_STATE_NAMES } from "./tcpStateMachine.js";

export interface FlowTupleView {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
}

/** A flow as ListFlows reports it. */
export interface FlowView {
  id: number;
  vni: number;
  protocol: string;
  original: FlowTupleView;
  reply: FlowTupleView;
  state: string;
  translation: string;
  firewall: "accept" | "drop";
  firewallRules: string[];
  origin: string;
  sourceInterfaceId: string;
  destinationInterfaceId: string;
  lbTarget: string;
  originalPackets: number;
  originalBytes: number;
  replyPackets: number;
  replyBytes: number;
  ageSeconds: number;
  expiresInSeconds: number;
}

export function translationNames(t: number): string {
  const names: string[] = [];
  if (t & Translation.SnatNat) names.push("snat-nat");
  if (t & Translation.SnatVip) names.push("snat-vip");
  if (t & Translation.DnatVip) names.push("dnat-vip");
  if (t & Translation.Lb) names.push("lb");
  return names.join("+") || "none";
}

export function viewFlow(
  flow: Flow,
  conntrack: Conntrack,
  now: number,
  vfName: (index: number) => string,
): FlowView {
  const v4 = flow.family === 4;
  const original: FlowTupleView = v4
    ? { src: formatIpv4(flow.src4), dst: formatIpv4(flow.dst4), srcPort: flow.srcPort, dstPort: flow.dstPort }
    : {
        src: formatIpv6(flow.src6!),
        dst: formatIpv6(flow.dst6!),
        srcPort: flow.srcPort,
        dstPort: flow.dstPort,
      };
  const reply: FlowTupleView = v4
    ? {
        src: formatIpv4(flow.replySrc4),
        dst: formatIpv4(flow.replyDst4),
        srcPort: flow.replySrcPort,
        dstPort: flow.replyDstPort,
      }
    : { src: original.dst, dst: original.src, srcPort: flow.replySrcPort, dstPort: flow.replyDstPort };
  const idle = now - flow.lastSeen;
  return {
    id: flow.id,
    vni: flow.vni,
    protocol: protocolName(flow.protocol),
    original,
    reply,
    state: flow.protocol === IpProtocol.TCP ? TCP_STATE_NAMES[flow.tcpState]! : "active",
    translation: translationNames(flow.translation),
    firewall: flow.fwAccept ? "accept" : "drop",
    firewallRules: [...flow.fwRules],
    origin: flow.originVf >= 0 ? `vf:${vfName(flow.originVf)}` : "fabric",
    sourceInterfaceId: flow.srcIface?.id ?? "",
    destinationInterfaceId: flow.dstIface?.id ?? "",
    lbTarget: flow.lbTarget?.text ?? "",
    originalPackets: flow.orig.packets,
    originalBytes: flow.orig.bytes,
    replyPackets: flow.reply.packets,
    replyBytes: flow.reply.bytes,
    ageSeconds: Math.max(0, Math.floor((now - flow.createdAt) / 1000)),
    expiresInSeconds: Math.max(0, Math.ceil((conntrack.timeoutOf(flow) - idle) / 1000)),
  };
}

/** Flows of one VNI (0 = all) and/or touching one interface ("" = all), by id. */
export function listFlows(
  conntrack: Conntrack,
  now: number,
  vfName: (index: number) => string,
  filter: { vni?: number; interfaceId?: string } = {},
): FlowView[] {
  const out: FlowView[] = [];
  for (const flow of conntrack.flows()) {
    if (filter.vni && flow.vni !== filter.vni) continue;
    if (
      filter.interfaceId &&
      flow.srcIface?.id !== filter.interfaceId &&
      flow.dstIface?.id !== filter.interfaceId
    ) {
      continue;
    }
    out.push(viewFlow(flow, conntrack, now, vfName));
  }
  return out;
}
