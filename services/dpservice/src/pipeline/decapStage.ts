import { decapsulate, type Frame, isDrop } from "@ironcore-ts/packet";
import type { Pipeline } from "./pipeline.js";

/**
 * ipip_decap: strips the outer IPv6 header of a fabric packet (IPv4-in-IPv6 or IPv6-in-IPv6; no
 * inner Ethernet) and parses the inner packet in place. Anything else from the fabric (NDP, plain
 * IPv6) is dropped, as upstream drops non-tunnel traffic from the PF. The caller then looks the
 * outer destination up in the underlay table (VnfCache) for the VNI and what it stands for.
 */
export function decapsulateFabric(p: Pipeline, outer: Frame): Frame | undefined {
  const result = decapsulate(outer);
  if (isDrop(result)) {
    if (p.trace) p.trace.add("decap", "drop", result.drop);
    p.dropParse(result.drop, -1);
    return undefined;
  }
  return result.inner;
}
