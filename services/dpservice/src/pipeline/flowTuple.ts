import type { Frame } from "@ironcore-ts/packet";
import type { L4Ports } from "./classifier.js";
import type { Flow } from "./flow.js";
import { flowKeyV6, keyWord2, keyWord3 } from "./flowKey.js";

/**
 * Records the first packet's tuple in a new flow (addresses copied: the buffer is reused), with
 * the reply tuple preset to the untranslated reverse; translating stages overwrite it.
 */
export function fillTuple(ports: L4Ports, flow: Flow, f: Frame): void {
  if (f.ipVersion === 4) {
    flow.src4 = f.ipv4Src;
    flow.dst4 = f.ipv4Dst;
    flow.replySrc4 = flow.dst4;
    flow.replyDst4 = flow.src4;
  } else {
    flow.src6 = f.ipv6Src.slice();
    flow.dst6 = f.ipv6Dst.slice();
  }
  flow.srcPort = ports.srcPort;
  flow.dstPort = ports.dstPort;
  flow.replySrcPort = ports.dstPort;
  flow.replyDstPort = ports.srcPort;
  if (f.isIcmp) {
    flow.icmpType = f.icmpType;
    flow.icmpCode = f.icmpCode;
  }
}

/** Sets the reply direction's key from the reply tuple as set up (IPv6 flows are never translated). */
export function setReplyKey(flow: Flow, keyVni: number = flow.vni): void {
  const r = flow.reply;
  if (flow.family === 4) {
    r.setKeyV4(
      flow.replySrc4 | 0,
      flow.replyDst4 | 0,
      keyWord2(flow.replySrcPort, flow.replyDstPort),
      keyWord3(keyVni, flow.protocol),
    );
  } else {
    r.key = flowKeyV6(
      keyVni,
      flow.dst6!,
      0,
      flow.src6!,
      0,
      flow.replySrcPort,
      flow.replyDstPort,
      flow.protocol,
    );
  }
}
