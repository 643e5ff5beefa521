import { type Frame, IpProtocol, ipv6Equal, ipv6FromBigInt } from "@ironcore-ts/packet";
import { MAGLEV_TABLE_SIZE } from "../state/maglev.js";
import type { LoadBalancerVnf } from "../state/vnfEntry.js";
import { Drop } from "./dropReasons.js";
import { type Flow, Translation } from "./flow.js";
import { flowHashV4, flowHashV6 } from "./flowHash.js";
import { LB_KEY_SPACE } from "./flowKey.js";
import { fillTuple, setReplyKey } from "./flowTuple.js";
import { answerEchoFromFabric } from "./icmpResponder.js";
import type { Pipeline } from "./pipeline.js";

/**
 * Load balancer (on the node that hosts it, reached on its own underlay): echo to the LB IP is
 * answered; TCP/UDP to a configured (protocol, port) goes to a target chosen by Maglev
 * (state/maglev.ts: table of 503, backends sorted, rebuilt on change) from the flow hash, and is
 * re-encapsulated to the target underlay (an LB prefix underlay of the backend interface) from the
 * host underlay. The backend receives the original destination (the LB IP); its replies go
 * straight to the client (DSR), so the reply direction never passes here. The chosen target is
 * kept in the flow; Maglev keeps the same 5-tuple on the same backend after expiry and when
 * other backends are removed.
 */
export function setupLoadBalancedFlow(p: Pipeline, f: Frame, vnf: LoadBalancerVnf): Flow | undefined {
  const lb = vnf.lb;
  const trace = p.trace;
  const buf = f.buf;
  const outerSrcAt = p.outerAt + 8;
  if (ipv6Equal(buf.subarray(outerSrcAt, outerSrcAt + 16), p.state.hostUnderlay.bytes)) {
    if (trace) trace.add("lb", "drop", "relayed by this node: would loop");
    p.drop(Drop.lbLoop, -1);
    return undefined;
  }
  const v4 = f.ipVersion === 4;
  const isLbIp = v4
    ? lb.ip.family === 4 && f.ipv4Dst === lb.ip.value
    : lb.ip.family === 6 && ipv6Equal(f.ipv6Dst, ipv6FromBigInt(lb.ip.value));
  if (!isLbIp) {
    if (trace) trace.add("lb", "drop", `not the IP of load balancer ${lb.id}`);
    p.drop(Drop.lbPortNotServed, -1);
    return undefined;
  }
  if (f.isIcmp) {
    if (answerEchoFromFabric(p, f, `load balancer ${lb.id}`)) return undefined;
    p.drop(Drop.lbPortNotServed, -1);
    return undefined;
  }
  const protocol = f.protocol;
  if ((protocol !== IpProtocol.TCP && protocol !== IpProtocol.UDP) || !lb.servesPort(protocol, p.dstPort)) {
    if (trace) trace.add("lb", "drop", `port ${p.dstPort} not configured on ${lb.id}`);
    p.drop(Drop.lbPortNotServed, -1);
    return undefined;
  }
  const hash = v4
    ? flowHashV4(f.ipv4Src, f.ipv4Dst, p.srcPort, p.dstPort, protocol)
    : flowHashV6(f.ipv6Src, f.ipv6Dst, p.srcPort, p.dstPort, protocol);
  const target = lb.selectTarget(hash);
  if (!target) {
    if (trace) trace.add("lb", "drop", `load balancer ${lb.id} has no targets`);
    p.drop(Drop.lbNoBackend, -1);
    return undefined;
  }
  if (trace) {
    trace.add(
      "lb",
      "maglev",
      `${lb.id}: hash ${hash} slot ${hash % MAGLEV_TABLE_SIZE} -> target ${target.text} (${lb.targets.length} targets)`,
    );
  }
  const host = p.state.hostUnderlay.bytes;
  const flow = p.conntrack.newFlow(vnf.vni, v4 ? 4 : 6, protocol, host, host);
  fillTuple(p, flow, f);
  flow.translation = Translation.Lb;
  flow.lb = lb;
  flow.lbTarget = target;
  flow.fwGen = p.fwGen;
  flow.fwRules = ["load balancer: no firewall"];
  p.setOrigKey(flow.orig);
  flow.orig.pinFabric({ src: host, dst: target.bytes });
  // Both keys in the LB key space (see LB_KEY_SPACE): a local backend's DSR reply must not match.
  setReplyKey(flow, vnf.vni + LB_KEY_SPACE);
  flow.reply.pinDrop(Drop.noTransit);
  return flow;
}
