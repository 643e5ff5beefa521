import { buildEchoReply, type Frame } from "@ironcore-ts/packet";
import type { Pipeline } from "./pipeline.js";

/**
 * ICMP/ICMPv6 echo requests that arrive from the fabric for a load balancer IP or a NAT IP are
 * answered by dpservice itself (no VM owns those addresses); the reply goes back to the outer
 * source, from the underlay the request was sent to. Returns false if `f` is not an echo request.
 */
export function answerEchoFromFabric(p: Pipeline, f: Frame, what: string): boolean {
  const reply = buildEchoReply(f);
  if (!reply) return false;
  const buf = f.buf;
  const at = p.outerAt;
  const underlay = { src: buf.slice(at + 24, at + 40), dst: buf.slice(at + 8, at + 24) };
  if (p.trace)
    p.trace.add("icmp-responder", "echo-reply", `echo request to the ${what} answered by dpservice`);
  p.emitToFabric(reply, underlay);
  return true;
}
