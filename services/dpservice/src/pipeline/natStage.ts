import { type Frame, ipv6Equal } from "@ironcore-ts/packet";
import type { DataplaneState } from "../state/dataplaneState.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import type { NatVnf } from "../state/vnfEntry.js";
import { Drop } from "./dropReasons.js";
import { answerEchoFromFabric } from "./icmpResponder.js";
import type { NatMapping } from "./natPortAllocator.js";
import type { Pipeline } from "./pipeline.js";

/**
 * NAT gateway (scalable NAT). Outbound south-north IPv4 flows of an interface with a NAT slice get
 * source NAT IP + a port of the interface's [min, max) range (natPortAllocator.ts: endpoint
 * independent, ICMP echo identifier in place of the port); replies are restored by conntrack.
 * Inbound on the NAT underlay without a flow: echo requests to the NAT IP are answered; packets
 * whose destination port (or echo identifier) lies in a neighbour's range of the same NAT IP and
 * VNI are relayed to that neighbour's underlay (re-encapsulated from the host underlay, no flow);
 * anything else is dropped.
 */

/** Source translation for a new south-north flow; undefined when the range is exhausted. */
export function natSource(
  p: Pipeline,
  vni: number,
  src: number,
  srcPort: number,
  iface: InterfaceEntry,
): NatMapping | undefined {
  return iface.nat ? p.nat.acquire(vni, src, srcPort, iface.nat) : undefined;
}

/** Is `underlay`'s /64 this node's (a relay there would come straight back)? */
function isOwnPrefix(state: DataplaneState, underlay: Uint8Array): boolean {
  const own = state.hostUnderlay.bytes;
  for (let i = 0; i < 8; i++) if (own[i] !== underlay[i]) return false;
  return true;
}

/** A packet without flow on a NAT underlay. */
export function natInbound(p: Pipeline, f: Frame, vnf: NatVnf): void {
  const nat = vnf.iface.nat;
  if (!nat || f.ipVersion !== 4 || f.ipv4Dst !== nat.ip) {
    if (p.trace) p.trace.add("nat", "drop", "not the interface's NAT IP");
    p.drop(Drop.natNoFlow, -1);
    return;
  }
  if (f.isIcmp && answerEchoFromFabric(p, f, "NAT IP")) return;
  const port = f.hasPorts ? f.dstPort : f.isIcmpEcho ? f.icmpIdentifier : -1;
  const neighbor = port >= 0 ? p.state.neighborNats.find(nat.ip, vnf.vni, port) : undefined;
  if (!neighbor) {
    if (p.trace) p.trace.add("nat", "drop", `no flow and port ${port} in no neighbour NAT range`);
    p.drop(Drop.natNoFlow, -1);
    return;
  }
  if (
    isOwnPrefix(p.state, neighbor.underlay.bytes) &&
    ipv6Equal(neighbor.underlay.bytes, vnf.underlay.bytes)
  ) {
    p.drop(Drop.natRelayLoop, -1);
    return;
  }
  if (p.trace) {
    p.trace.add(
      "nat",
      "neighbor-relay",
      `port ${port} in [${neighbor.minPort}, ${neighbor.maxPort}) of ${neighbor.underlay.text}`,
    );
  }
  p.sendToFabric(f, { src: p.state.hostUnderlay.bytes, dst: neighbor.underlay.bytes }, -1);
}
