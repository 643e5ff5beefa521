import { type Frame, isDrop, parseIcmpErrorInner } from "@ironcore-ts/packet";
import { Drop } from "./dropReasons.js";
import { flowKeyV6, keyWord2, keyWord3 } from "./flowKey.js";
import type { Pipeline } from "./pipeline.js";

const IPV6_SRC = 8;
const IPV6_DST = 24;

/**
 * ICMP errors (destination unreachable 2/3/4; ICMPv6 unreachable and packet too big) follow the
 * flow of the packet they quote. The error travels against the quoted packet, so the quoted tuple
 * reversed is the key of the direction the error goes in. That direction's translation is applied
 * to the error's outer header (destination always; source only if it is the flow's endpoint and
 * not a router on the way) and undone on the quoted packet, which was translated in the other
 * direction: e.g. "fragmentation needed" from a router to a NAT IP reaches the VM with the VM's
 * own address and port quoted, checksums fixed by libs/packet's quoted-header setters.
 */
export function handleIcmpError(p: Pipeline, f: Frame, vni: number, ingressVf: number): void {
  const trace = p.trace;
  const inner = parseIcmpErrorInner(f);
  if (isDrop(inner)) {
    p.dropParse(inner.drop, ingressVf);
    return;
  }
  let quotedSrcPort: number;
  let quotedDstPort: number;
  if (inner.hasPorts) {
    quotedSrcPort = inner.srcPort;
    quotedDstPort = inner.dstPort;
  } else if (inner.isIcmpEcho) {
    quotedSrcPort = quotedDstPort = inner.icmpIdentifier;
  } else {
    p.drop(Drop.icmpErrorNoFlow, ingressVf);
    return;
  }
  const side =
    inner.ipVersion === 4
      ? p.conntrack.lookupV4(
          inner.ipv4Dst | 0,
          inner.ipv4Src | 0,
          keyWord2(quotedDstPort, quotedSrcPort),
          keyWord3(vni, inner.protocol),
        )
      : p.conntrack.lookupV6(
          flowKeyV6(
            vni,
            inner.buf,
            inner.l3Offset + IPV6_DST,
            inner.buf,
            inner.l3Offset + IPV6_SRC,
            quotedDstPort,
            quotedSrcPort,
            inner.protocol,
          ),
        );
  if (side === undefined) {
    if (trace) trace.add("icmp-error", "no-flow", `type ${f.icmpType} code ${f.icmpCode}`);
    p.drop(Drop.icmpErrorNoFlow, ingressVf);
    return;
  }
  const flow = side.flow;
  if (trace)
    trace.add(
      "icmp-error",
      "related",
      `type ${f.icmpType} code ${f.icmpCode} of flow ${flow.id} (${side.reply ? "reply" : "original"} direction)`,
    );
  if (!flow.fwAccept) {
    p.drop(Drop.firewall, ingressVf);
    return;
  }
  if (side.hasRewrite && f.ipVersion === 4) {
    if (side.setDst4 >= 0) f.setIpv4Dst(side.setDst4);
    const endpoint = side.reply ? flow.replySrc4 : flow.src4;
    if (side.setSrc4 >= 0 && f.ipv4Src === endpoint) f.setIpv4Src(side.setSrc4);
    if (side.setDst4 >= 0) inner.setIpv4Src(side.setDst4);
    if (side.setSrc4 >= 0) inner.setIpv4Dst(side.setSrc4);
    if (side.setDstPort >= 0) {
      if (inner.hasPorts) inner.setSrcPort(side.setDstPort);
      else inner.setIcmpIdentifier(side.setDstPort);
    }
    if (side.setSrcPort >= 0) {
      if (inner.hasPorts) inner.setDstPort(side.setSrcPort);
      else inner.setIcmpIdentifier(side.setSrcPort);
    }
  }
  p.output(f, side, ingressVf);
}
