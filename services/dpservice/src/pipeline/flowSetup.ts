import { type Frame, formatIpv4, ipv6ToBigInt } from "@ironcore-ts/packet";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import type { VnfEntry } from "../state/vnfEntry.js";
import type { DataplaneCounters } from "./dropCounters.js";
import { Drop } from "./dropReasons.js";
import {
  evaluateEgress,
  evaluateIngress,
  type FirewallMatch,
  type FirewallVerdict,
} from "./firewallStage.js";
import { type Flow, Translation } from "./flow.js";
import { fillTuple, setReplyKey } from "./flowTuple.js";
import { setupLoadBalancedFlow } from "./loadBalancerStage.js";
import { natInbound, natSource } from "./natStage.js";
import type { Pipeline } from "./pipeline.js";
import { describeRoute, lookupRoute, setOutputFromRoute } from "./routingStage.js";
import { vipDestination, vipInbound, vipSource } from "./vipStage.js";

const IPV6_SRC = 8;
const IPV6_DST = 24;

/**
 * The first packet of a flow from a VM port: DNAT (east-west to a VIP) -> routing (per-VNI LPM;
 * /0 = south-north) -> firewall (source egress, destination ingress if local) -> SNAT (NAT wins
 * over VIP; south-north IPv4 only, and only for accepted flows so a denied flow holds no port).
 * The decisions become the flow's two directions; the caller inserts the flow and forwards the
 * packet through the original direction. Returns undefined after dropping the packet.
 */
export function setupFlowFromVf(
  p: Pipeline,
  f: Frame,
  iface: InterfaceEntry,
  vfIndex: number,
): Flow | undefined {
  const trace = p.trace;
  const v4 = f.ipVersion === 4;
  const family = v4 ? 4 : 6;
  const vni = iface.vni;
  const protocol = f.protocol;
  if (!p.dryRun) p.macs.learn(vfIndex, f.buf, f.l2Offset + 6);
  const src4 = v4 ? f.ipv4Src : 0;
  const dst4 = v4 ? f.ipv4Dst : 0;
  let translation: number = Translation.None;

  // DNAT: east-west traffic to a VIP of the VNI goes to the VIP's interface.
  let newDst4 = -1;
  if (v4) {
    const vipIface = vipDestination(p.state, vni, dst4);
    if (vipIface?.ipv4 !== undefined) {
      newDst4 = vipIface.ipv4;
      translation |= Translation.DnatVip;
    }
  }
  if (trace)
    trace.add(
      "dnat",
      newDst4 >= 0 ? "vip" : "none",
      newDst4 >= 0 ? `VIP ${formatIpv4(dst4)} -> ${formatIpv4(newDst4)}` : "",
    );

  // Routing.
  const routeDst4 = newDst4 >= 0 ? newDst4 : dst4;
  const dst6 = v4 ? 0n : ipv6ToBigInt(f.buf, f.l3Offset + IPV6_DST);
  const route = lookupRoute(p.state.vnis, vni, family, routeDst4, dst6);
  if (!route) {
    if (trace) trace.add("routing", "no-route", `VNI ${vni}`);
    p.drop(Drop.noRoute, vfIndex);
    return undefined;
  }
  if (trace) trace.add("routing", route.value.kind, describeRoute(route, family));
  const southNorth = route.length === 0;
  const dstIface = route.value.kind === "local" ? route.value.iface : undefined;

  // Firewall: decided once, on the untranslated source and the translated destination.
  const match: FirewallMatch = {
    family,
    protocol,
    src: v4 ? src4 : ipv6ToBigInt(f.buf, f.l3Offset + IPV6_SRC),
    dst: v4 ? routeDst4 : dst6,
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    icmpType: f.isIcmp ? f.icmpType : -1,
    icmpCode: f.isIcmp ? f.icmpCode : -1,
  };
  const egress = evaluateEgress(iface, match);
  const ingress = egress.accept && dstIface ? evaluateIngress(dstIface, match, p.firewallPolicy) : undefined;
  const accept = egress.accept && (ingress?.accept ?? true);
  if (trace) {
    trace.add("firewall", egress.accept ? "accept" : "drop", `${iface.id} egress: ${egress.reason}`);
    if (ingress)
      trace.add("firewall", ingress.accept ? "accept" : "drop", `${dstIface!.id} ingress: ${ingress.reason}`);
  }

  // SNAT (south-north only).
  let newSrc4 = -1;
  let newSrcPort = -1;
  let mapping: ReturnType<typeof natSource>;
  if (accept && southNorth && v4) {
    if (iface.nat) {
      mapping = natSource(p, vni, src4, p.srcPort, iface);
      if (!mapping) {
        if (trace) trace.add("snat", "nat-exhausted", `range [${iface.nat.minPort}, ${iface.nat.maxPort})`);
        p.drop(Drop.natPortsExhausted, vfIndex);
        return undefined;
      }
      newSrc4 = iface.nat.ip;
      newSrcPort = mapping.port;
      translation |= Translation.SnatNat;
    } else {
      newSrc4 = vipSource(iface);
      if (newSrc4 >= 0) translation |= Translation.SnatVip;
    }
  }
  if (trace) {
    const what =
      translation & Translation.SnatNat ? "nat" : translation & Translation.SnatVip ? "vip" : "none";
    const detail =
      newSrc4 >= 0
        ? `${formatIpv4(src4)}${newSrcPort >= 0 ? `:${p.srcPort}` : ""} -> ${formatIpv4(newSrc4)}${newSrcPort >= 0 ? `:${newSrcPort}` : ""}`
        : southNorth
          ? "south-north without VIP/NAT"
          : "west-east";
    trace.add("snat", what, detail);
  }

  const flow = p.conntrack.newFlow(
    vni,
    family,
    protocol,
    iface.underlay.bytes,
    dstIface ? dstIface.underlay.bytes : iface.underlay.bytes,
  );
  fillTuple(p, flow, f);
  flow.translation = translation;
  flow.originVf = vfIndex;
  flow.srcIface = iface;
  flow.dstIface = dstIface;
  if (mapping) {
    flow.natEntry = iface.nat;
    flow.natMapping = mapping;
  }
  setVerdict(p, flow, egress, ingress, accept, match);

  const o = flow.orig;
  p.setOrigKey(o);
  o.setSrc4 = newSrc4;
  o.setDst4 = newDst4;
  o.setSrcPort = newSrcPort;
  o.updateRewrite();
  o.routeVni = vni;
  o.routeDst4 = routeDst4;
  o.routeDst6 = dst6;
  setOutputFromRoute(o, route);
  o.resolvedGen = p.routeGen;

  if (v4) {
    const echo = f.isIcmp;
    flow.replySrc4 = routeDst4;
    flow.replyDst4 = newSrc4 >= 0 ? newSrc4 : src4;
    // An echo reply carries the (translated) identifier in both "ports".
    flow.replySrcPort = echo && newSrcPort >= 0 ? newSrcPort : p.dstPort;
    flow.replyDstPort = newSrcPort >= 0 ? newSrcPort : p.srcPort;
  }
  setReplyKey(flow);
  const r = flow.reply;
  r.setSrc4 = newDst4 >= 0 ? dst4 : -1;
  r.setDst4 = newSrc4 >= 0 ? src4 : -1;
  r.setDstPort = newSrcPort >= 0 ? p.srcPort : -1;
  r.updateRewrite();
  // Replies go back to the port the flow came from.
  r.pinVf(vfIndex);
  return flow;
}

/**
 * The first packet of a flow from the fabric, by what its outer destination stands for: a load
 * balancer (Maglev), a NAT (no flow: echo answer, neighbour relay or drop), a VIP (DNAT to the
 * interface IP), or an interface / alias prefix / LB prefix (delivered as is). Then the
 * destination interface's ingress rules. Replies are routed in the VNI (from the interface's
 * underlay when they leave over the fabric), with the VIP restored as source.
 */
export function setupFlowFromFabric(p: Pipeline, f: Frame, vnf: VnfEntry): Flow | undefined {
  if (vnf.type === "LB") return setupLoadBalancedFlow(p, f, vnf);
  if (vnf.type === "NAT") {
    natInbound(p, f, vnf);
    return undefined;
  }
  const trace = p.trace;
  const iface = vnf.iface;
  const v4 = f.ipVersion === 4;
  const family = v4 ? 4 : 6;
  if (v4 ? iface.ipv4 === undefined : iface.ipv6 === undefined) {
    p.drop(Drop.familyDisabled, -1);
    return undefined;
  }
  const dst4 = v4 ? f.ipv4Dst : 0;
  let newDst4 = -1;
  if (vnf.type === "VIP") {
    newDst4 = v4 ? vipInbound(iface, dst4) : -1;
    if (newDst4 < 0) {
      if (trace) trace.add("dnat", "drop", `not the VIP of ${iface.id}`);
      p.drop(Drop.vipMismatch, -1);
      return undefined;
    }
    if (trace) trace.add("dnat", "vip", `VIP ${formatIpv4(dst4)} -> ${formatIpv4(newDst4)} (${iface.id})`);
  }
  const src6 = v4 ? 0n : ipv6ToBigInt(f.buf, f.l3Offset + IPV6_SRC);
  const match: FirewallMatch = {
    family,
    protocol: f.protocol,
    src: v4 ? f.ipv4Src : src6,
    dst: v4 ? (newDst4 >= 0 ? newDst4 : dst4) : ipv6ToBigInt(f.buf, f.l3Offset + IPV6_DST),
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    icmpType: f.isIcmp ? f.icmpType : -1,
    icmpCode: f.isIcmp ? f.icmpCode : -1,
  };
  const ingress = evaluateIngress(iface, match, p.firewallPolicy);
  if (trace)
    trace.add("firewall", ingress.accept ? "accept" : "drop", `${iface.id} ingress: ${ingress.reason}`);

  const flow = p.conntrack.newFlow(vnf.vni, family, f.protocol, iface.underlay.bytes, iface.underlay.bytes);
  fillTuple(p, flow, f);
  flow.originVf = -1;
  flow.dstIface = iface;
  if (newDst4 >= 0) {
    flow.translation = Translation.DnatVip;
    flow.replySrc4 = newDst4;
  }
  setVerdict(p, flow, undefined, ingress, ingress.accept, match);

  const o = flow.orig;
  p.setOrigKey(o);
  o.setDst4 = newDst4;
  o.updateRewrite();
  o.pinVf(iface.vf.index);

  setReplyKey(flow);
  const r = flow.reply;
  r.setSrc4 = newDst4 >= 0 ? dst4 : -1;
  r.updateRewrite();
  r.routeVni = vnf.vni;
  r.routeDst4 = v4 ? f.ipv4Src : 0;
  r.routeDst6 = src6;
  return flow;
}

/** Records a firewall verdict and the counters of the deciding rules in the flow. */
function setVerdict(
  p: Pipeline,
  flow: Flow,
  egress: FirewallVerdict | undefined,
  ingress: FirewallVerdict | undefined,
  accept: boolean,
  match: FirewallMatch,
): void {
  const counters: DataplaneCounters = p.counters;
  flow.fwAccept = accept;
  flow.fwGen = p.fwGen;
  flow.fwSrc = match.src;
  flow.fwDst = match.dst;
  flow.fwRules = [];
  flow.fwCounterA = undefined;
  flow.fwCounterB = undefined;
  if (egress && flow.srcIface) {
    flow.fwCounterA = egress.rule ? counters.rule(egress.rule) : counters.defaultPolicy(flow.srcIface).egress;
    flow.fwRules.push(`${flow.srcIface.id}/egress/${egress.rule?.id ?? "default"}`);
  }
  if (ingress && flow.dstIface) {
    flow.fwCounterB = ingress.rule
      ? counters.rule(ingress.rule)
      : counters.defaultPolicy(flow.dstIface).ingress;
    flow.fwRules.push(`${flow.dstIface.id}/ingress/${ingress.rule?.id ?? "default"}`);
  }
}

/**
 * After a rule change: re-evaluates an established flow's verdict with its first packet's match.
 * Returns false if the verdict changed (the caller then sets the flow up anew, since an accepted
 * flow may need a NAT port a denied one never got).
 */
export function firewallStillValid(p: Pipeline, flow: Flow): boolean {
  const match: FirewallMatch = {
    family: flow.family,
    protocol: flow.protocol,
    src: flow.fwSrc,
    dst: flow.fwDst,
    srcPort: flow.srcPort,
    dstPort: flow.dstPort,
    icmpType: flow.icmpType,
    icmpCode: flow.icmpCode,
  };
  const egress = flow.srcIface ? evaluateEgress(flow.srcIface, match) : undefined;
  const ingress =
    (egress?.accept ?? true) && flow.dstIface
      ? evaluateIngress(flow.dstIface, match, p.firewallPolicy)
      : undefined;
  const accept = (egress?.accept ?? true) && (ingress?.accept ?? true);
  if (accept !== flow.fwAccept) return false;
  if (!p.dryRun) setVerdict(p, flow, egress, ingress, accept, match);
  return true;
}
