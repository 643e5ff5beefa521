import {
  buildNeighborAdvertisement,
  buildRouterAdvertisement,
  type Frame,
  Icmpv6Type,
  ipv6Equal,
  parseIpv6,
  readNdp,
} from "@ironcore-ts/packet";
import { Drop } from "./dropReasons.js";
import type { Pipeline } from "./pipeline.js";

/** The IPv6 gateway every guest sees. */
export const GATEWAY_IPV6 = parseIpv6("fe80::1")!;

/**
 * Neighbour discovery on a VM port (upstream: only with --enable-ipv6-overlay): an NS for fe80::1
 * gets an NA (router, solicited, override, target link-layer address = the port's MAC); an RS
 * gets an RA (managed and other flags, router lifetime 0xffff, hop limit 255, source link-layer
 * address). The guest's MAC is learnt from the NS's source link-layer option.
 */
export function handleNd(p: Pipeline, vfIndex: number, f: Frame): void {
  const msg = p.ipv6Overlay ? readNdp(f) : undefined;
  const portMac = p.macs.port[vfIndex]!;
  const guestMac = f.srcMac.slice();
  if (msg?.type === Icmpv6Type.NeighborSolicitation && ipv6Equal(msg.target, GATEWAY_IPV6)) {
    if (!p.dryRun) p.macs.learn(vfIndex, msg.sourceLinkLayerAddress ?? guestMac);
    if (p.trace) p.trace.add("nd", "neighbor-advertisement", "fe80::1 is at the port's MAC");
    const src = f.ipv6Src;
    const unspecified = src.every((b) => b === 0);
    p.emitToVf(
      vfIndex,
      buildNeighborAdvertisement({
        ethernet: { src: portMac, dst: guestMac },
        src: GATEWAY_IPV6,
        dst: unspecified ? undefined : src.slice(),
        target: GATEWAY_IPV6,
        router: true,
        solicited: !unspecified,
        override: true,
        targetLinkLayerAddress: portMac,
      }),
    );
    return;
  }
  if (msg?.type === Icmpv6Type.RouterSolicitation) {
    if (p.trace) p.trace.add("nd", "router-advertisement", "managed+other, lifetime 65535");
    p.emitToVf(
      vfIndex,
      buildRouterAdvertisement({
        ethernet: { src: portMac, dst: guestMac },
        src: GATEWAY_IPV6,
        curHopLimit: 255,
        managed: true,
        other: true,
        routerLifetime: 0xffff,
        sourceLinkLayerAddress: portMac,
      }),
    );
    return;
  }
  if (p.trace) p.trace.add("nd", "ignore", "not an NS for fe80::1 or an RS");
  p.drop(Drop.ndIgnored, vfIndex);
}
