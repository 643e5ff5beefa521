import dgram from "node:dgram";
import { decapsulate, formatIpv4, formatIpv6, isDrop, parseIpPacket } from "@ironcore-ts/packet";

/** One datagram seen on the simulated fabric: outer IPv6 header and the inner packet's basics. */
export interface WireDatagram {
  /** Arrival order across every wire of this process. */
  seq: number;
  /** The node the datagram was on its way to. */
  to: string;
  outerSrc: string;
  outerDst: string;
  innerSrc: string;
  innerDst: string;
  /** IP protocol of the inner packet (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6). */
  innerProtocol: number;
  /** ICMP type of the inner packet, -1 if it is not ICMP. */
  icmpType: number;
}

let arrivals = 0;

/**
 * The cable into one node's fabric socket: the other nodes send to this relay, which records each
 * datagram and forwards it unchanged. Lets a test see the encapsulated packets between dpservice
 * processes (outer underlay addresses) without touching either process.
 */
export class FabricWire {
  readonly captured: WireDatagram[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly to: string,
    target: { host: string; port: number },
  ) {
    socket.on("message", (msg) => {
      const seen = describe(this.to, msg);
      if (seen) this.captured.push(seen);
      socket.send(msg, target.port, target.host);
    });
  }

  /** A relay to `target` (the node's real fabric socket) on a free loopback port. */
  static async start(to: string, target: { host: string; port: number }): Promise<FabricWire> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new FabricWire(socket, to, target);
  }

  /** Where other nodes send datagrams for this node. */
  get endpoint(): { host: string; port: number } {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function describe(to: string, bytes: Buffer): WireDatagram | undefined {
  const copy = new Uint8Array(bytes);
  const outer = parseIpPacket(copy.slice());
  if (isDrop(outer) || outer.ipVersion !== 6) return undefined;
  const d = decapsulate(outer);
  const inner = isDrop(d) ? undefined : d.inner;
  const v4 = inner?.ipVersion === 4;
  const icmp = inner !== undefined && (inner.protocol === 1 || inner.protocol === 58);
  return {
    seq: arrivals++,
    to,
    outerSrc: formatIpv6(copy, outer.l3Offset + 8),
    outerDst: formatIpv6(copy, outer.l3Offset + 24),
    innerSrc: inner ? (v4 ? formatIpv4(inner.ipv4Src) : formatIpv6(inner.ipv6Src)) : "",
    innerDst: inner ? (v4 ? formatIpv4(inner.ipv4Dst) : formatIpv6(inner.ipv6Dst)) : "",
    innerProtocol: inner?.protocol ?? -1,
    icmpType: icmp && inner ? inner.icmpType : -1,
  };
}
