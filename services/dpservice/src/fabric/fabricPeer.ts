import dgram from "node:dgram";
import {
  buildEchoReply,
  buildPacket,
  decapsulate,
  encapsulate,
  type Frame,
  formatIpv6,
  IpProtocol,
  isDrop,
  parseIpPacket,
  parseIpv4,
  parseIpv6,
  TcpFlag,
} from "@ironcore-ts/packet";
import { PacketLog } from "../ports/packetLog.js";
import { type PacketSummary, summarizeFrame } from "../ports/packetSummary.js";
import type { FabricEndpoint, UnderlayRegistry } from "./underlayRegistry.js";

/** A datagram seen on the fabric: outer addresses and the decoded inner packet. */
export interface FabricPacket {
  outerSrc: string;
  outerDst: string;
  /** 4 (IPv4-in-IPv6) or 41 (IPv6-in-IPv6). */
  nextHeader: number;
  hopLimit: number;
  inner: PacketSummary | undefined;
  bytes: Uint8Array;
}

export function summarizeFabricPacket(bytes: Uint8Array): FabricPacket | undefined {
  const copy = bytes.slice();
  const outer = parseIpPacket(copy);
  if (isDrop(outer) || outer.ipVersion !== 6) return undefined;
  const d = decapsulate(outer);
  return {
    outerSrc: formatIpv6(copy, outer.l3Offset + 8),
    outerDst: formatIpv6(copy, outer.l3Offset + 24),
    nextHeader: outer.protocol,
    hopLimit: outer.ttl,
    inner: isDrop(d) ? undefined : summarizeFrame(d.inner),
    bytes: bytes.slice(),
  };
}

/**
 * A node on the fabric that is not a dpservice: the router / edge of the simulation ("the
 * internet" behind the 0/0 routes), or a stand-in for another hypervisor. It owns an underlay /64,
 * receives encapsulated packets for it, and sends encapsulated packets. With `respond`, it plays
 * the internet hosts: echo requests are answered and TCP SYNs get a SYN-ACK, sent to the underlay
 * that `publicRoutes` gives for the reply's destination (what the router learns from metalnet's
 * public route announcements), else back to the request's outer source.
 */
export class FabricPeer {
  readonly received = new PacketLog<FabricPacket>();
  /** Inner IPv4/IPv6 destination (text) -> underlay to send to. */
  readonly publicRoutes = new Map<string, Uint8Array>();
  respond: boolean;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly underlay: Uint8Array,
    readonly endpoint: FabricEndpoint,
    private readonly registry: UnderlayRegistry,
    respond: boolean,
  ) {
    this.respond = respond;
    socket.on("message", (msg) => this.onDatagram(msg));
  }

  /** `underlay`: the peer's address (e.g. "fc00:ffff::1"); its /64 is announced in `registry`. */
  static async start(options: {
    registry: UnderlayRegistry;
    underlay: string;
    respond?: boolean;
  }): Promise<FabricPeer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const underlay = parseIpv6(options.underlay);
    if (!underlay) throw new Error(`bad underlay ${options.underlay}`);
    const endpoint = { host: "127.0.0.1", port: socket.address().port };
    await options.registry.announce(underlay, endpoint);
    return new FabricPeer(socket, underlay, endpoint, options.registry, options.respond ?? false);
  }

  addPublicRoute(destination: string, underlay: Uint8Array | string): void {
    this.publicRoutes.set(destination, typeof underlay === "string" ? parseIpv6(underlay)! : underlay);
  }

  /** Encapsulates a bare IP packet from this peer's underlay to `outerDst` and sends it. */
  send(inner: Uint8Array, outerDst: Uint8Array | string, outerSrc: Uint8Array = this.underlay): boolean {
    const dst = typeof outerDst === "string" ? parseIpv6(outerDst)! : outerDst;
    const endpoint = this.registry.lookup(dst, 0);
    if (!endpoint) return false;
    this.socket.send(encapsulate(inner, { src: outerSrc, dst }), endpoint.port, endpoint.host);
    return true;
  }

  /** A TCP segment from `src` (an internet address) to `dst` via `outerDst`. */
  sendTcp(
    outerDst: Uint8Array | string,
    src: string,
    dst: string,
    srcPort: number,
    dstPort: number,
    flags: number,
  ): boolean {
    const ip = src.includes(":")
      ? { version: 6 as const, src: parseIpv6(src)!, dst: parseIpv6(dst)! }
      : { version: 4 as const, src: parseIpv4(src)!, dst: parseIpv4(dst)! };
    return this.send(buildPacket({ ip, l4: { kind: "tcp", srcPort, dstPort, flags, seq: 7000 } }), outerDst);
  }

  private onDatagram(bytes: Uint8Array): void {
    const packet = summarizeFabricPacket(bytes);
    if (!packet) return;
    if (this.respond) this.answer(packet);
    this.received.push(packet);
  }

  private answer(packet: FabricPacket): void {
    const outer = parseIpPacket(packet.bytes.slice());
    if (isDrop(outer)) return;
    const d = decapsulate(outer);
    if (isDrop(d)) return;
    const f: Frame = d.inner;
    let reply: Uint8Array | undefined;
    if (f.isIcmpEcho) {
      reply = buildEchoReply(f);
    } else if (f.protocol === IpProtocol.TCP && (f.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      const ip =
        f.ipVersion === 4
          ? { version: 4 as const, src: f.ipv4Dst, dst: f.ipv4Src }
          : { version: 6 as const, src: f.ipv6Dst.slice(), dst: f.ipv6Src.slice() };
      reply = buildPacket({
        ip,
        l4: {
          kind: "tcp",
          srcPort: f.dstPort,
          dstPort: f.srcPort,
          flags: TcpFlag.SYN | TcpFlag.ACK,
          seq: 9000,
          ack: (f.tcpSeq + 1) >>> 0,
        },
      });
    }
    if (!reply || !packet.inner) return;
    const route = this.publicRoutes.get(packet.inner.src);
    this.send(reply, route ?? parseIpv6(packet.outerSrc)!);
  }

  async close(): Promise<void> {
    this.received.close();
    await this.registry.withdraw(this.underlay).catch(() => {});
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Captures what crosses the fabric towards one node: it takes over the node's /64 in the
 * registry, records each datagram and forwards it unchanged to the node's real endpoint.
 */
export class FabricTap {
  readonly captured = new PacketLog<FabricPacket>();

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly registry: UnderlayRegistry,
    private readonly prefix: Uint8Array,
    private readonly target: FabricEndpoint,
  ) {
    socket.on("message", (msg) => {
      const packet = summarizeFabricPacket(msg);
      if (packet) this.captured.push(packet);
      socket.send(msg, target.port, target.host);
    });
  }

  static async start(options: {
    registry: UnderlayRegistry;
    prefix: Uint8Array;
    target: FabricEndpoint;
  }): Promise<FabricTap> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    await options.registry.announce(options.prefix, { host: "127.0.0.1", port: socket.address().port });
    return new FabricTap(socket, options.registry, options.prefix, options.target);
  }

  /** Gives the /64 back to the node and stops. */
  async close(): Promise<void> {
    this.captured.close();
    await this.registry.announce(this.prefix, this.target);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
