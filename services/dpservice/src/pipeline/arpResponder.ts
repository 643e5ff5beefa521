import { ArpOperation, buildArpReply, buildArpRequest, type Frame, readArp } from "@ironcore-ts/packet";
import { GATEWAY_IPV4 } from "./dhcpServer.js";
import { Drop } from "./dropReasons.js";
import type { Pipeline } from "./pipeline.js";

/**
 * ARP on a VM port, as upstream: only requests for the gateway 169.254.0.1 are answered, with the
 * port's MAC. The guest's MAC is learnt from its ARP packets (upstream: from replies to the
 * maintenance probes, DHCP and NDP). Replies to our probes are consumed.
 */
export function handleArp(p: Pipeline, vfIndex: number, f: Frame): void {
  const arp = readArp(f);
  if (arp.operation === ArpOperation.Reply) {
    if (!p.dryRun) p.macs.learn(vfIndex, arp.senderMac);
    if (p.trace) p.trace.add("arp", "learn", "reply from the guest: MAC learnt");
    return;
  }
  if (arp.operation !== ArpOperation.Request || arp.targetIp !== GATEWAY_IPV4) {
    if (p.trace) p.trace.add("arp", "ignore", "not a request for 169.254.0.1");
    p.drop(Drop.arpNotGateway, vfIndex);
    return;
  }
  if (!p.dryRun) p.macs.learn(vfIndex, arp.senderMac);
  if (p.trace) p.trace.add("arp", "reply", "169.254.0.1 is at the port's MAC");
  p.emitToVf(vfIndex, buildArpReply(f, p.macs.port[vfIndex]!));
}

/** The maintenance probe: "who has 169.254.0.1" with sender = target = the gateway, to refresh MACs. */
export function buildArpProbe(p: Pipeline, vfIndex: number): Uint8Array {
  return buildArpRequest(p.macs.port[vfIndex]!, GATEWAY_IPV4, GATEWAY_IPV4);
}
