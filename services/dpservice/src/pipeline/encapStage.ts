import { formatIpv6 } from "@ironcore-ts/packet";

/**
 * ipip_encap is done by Pipeline.sendToFabric with libs/packet (encapsulateInto into the reused
 * send buffer, or encapsulateInPlace over a received outer header): next header 4 or 41, hop limit
 * 64, traffic class and flow label 0, outer source = the sending interface's underlay (the host's
 * for relayed and self-originated packets), outer destination = the route's next hop, LB target or
 * neighbour NAT underlay. The VNI is not in the packet: the receiver finds it from the outer
 * destination. This file holds the trace description.
 */

/** "fc00:1::d000:0:5 -> fc00:2::d000:0:9" for the outer header at `at`. */
export function describeEncap(buf: Uint8Array, at: number): string {
  return `${formatIpv6(buf, at + 8)} -> ${formatIpv6(buf, at + 24)}`;
}
