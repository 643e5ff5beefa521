import type { Frame } from "@ironcore-ts/packet";
import type { FlowSide } from "./flow.js";

/**
 * Applies a flow direction's translation in place; libs/packet's setters keep the IPv4 header and
 * L4 checksums right by incremental update. For ICMP echo the "ports" are the identifier.
 */
export function applyRewrite(f: Frame, side: FlowSide): void {
  if (side.setSrc4 >= 0) f.setIpv4Src(side.setSrc4);
  if (side.setDst4 >= 0) f.setIpv4Dst(side.setDst4);
  if (side.setSrcPort >= 0) {
    if (f.hasPorts) f.setSrcPort(side.setSrcPort);
    else f.setIcmpIdentifier(side.setSrcPort);
  }
  if (side.setDstPort >= 0) {
    if (f.hasPorts) f.setDstPort(side.setDstPort);
    else f.setIcmpIdentifier(side.setDstPort);
  }
}
