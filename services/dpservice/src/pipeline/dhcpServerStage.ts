import { buildPacket, type Frame, formatIpv4 } from "@ironcore-ts/packet";
import {
  DHCP_CLIENT_PORT,
  DHCP_FLAG_BROADCAST,
  DHCP_SERVER_PORT,
  encodeDhcp,
  parseDhcp,
} from "./dhcpMessage.js";
import { dhcpReply, GATEWAY_IPV4 } from "./dhcpServer.js";
import { Drop } from "./dropReasons.js";
import type { Pipeline } from "./pipeline.js";

const BROADCAST_IPV4 = 0xffffffff;

/**
 * UDP to port 67 from a VM port goes to the DHCP server (upstream's conntrack -> dhcp edge): the
 * reply is sent from 169.254.0.1:67 to port 68, to the client's MAC, broadcast at the IP layer
 * when the client asked for it (or has no address yet to receive unicast on).
 */
export function handleDhcp(p: Pipeline, vfIndex: number, f: Frame): void {
  const iface = p.state.vfs.byIndex(vfIndex)?.iface;
  const request = parseDhcp(f.payload);
  const reply = request && iface ? dhcpReply(request, iface, p.dhcpOptions) : undefined;
  if (!request || !reply) {
    if (p.trace) p.trace.add("dhcp", "ignore", iface ? "not a DISCOVER/REQUEST, or no IPv4" : "no interface");
    p.drop(Drop.dhcpIgnored, vfIndex);
    return;
  }
  if (!p.dryRun) p.macs.learn(vfIndex, request.chaddr);
  const broadcast = (request.flags & DHCP_FLAG_BROADCAST) !== 0 || request.ciaddr === 0;
  if (p.trace)
    p.trace.add(
      "dhcp",
      reply.options.get(53)?.[0] === 2 ? "offer" : "ack",
      `yiaddr ${formatIpv4(reply.yiaddr)}`,
    );
  const frame = buildPacket({
    ethernet: { src: p.macs.port[vfIndex]!, dst: request.chaddr.subarray(0, 6) },
    ip: { version: 4, src: GATEWAY_IPV4, dst: broadcast ? BROADCAST_IPV4 : reply.yiaddr },
    l4: { kind: "udp", srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT, payload: encodeDhcp(reply) },
  });
  p.emitToVf(vfIndex, frame);
}
