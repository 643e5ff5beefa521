import dgram from "node:dgram";
import type { Logger } from "@ironcore-ts/runtime";
import type { FabricEndpoint, UnderlayRegistry } from "./underlayRegistry.js";

const OUTER_DST = 24;

export interface FabricTransportOptions {
  /** Loopback address to bind (the fabric is simulated on one host). */
  host: string;
  /** 0 picks a free port (fine when the registry is shared or a KV). */
  port: number;
  registry: UnderlayRegistry;
  /** This node's underlay /64 (first 8 bytes used), announced in the registry. */
  prefix: Uint8Array;
  logger?: Logger;
  /** Kernel receive buffer (bytes); bursts of small datagrams overflow the default. */
  receiveBufferSize?: number;
}

/**
 * The simulated underlay: every encapsulated packet travels as one UDP datagram carrying the outer
 * IPv6 packet, from this node to the endpoint owning the outer destination's /64 (the registry).
 * The node's own /64 is announced too, so packets a node sends to itself (LB recirculation) go
 * through the same path and are processed later, not re-entrantly.
 *
 * Sending copies the bytes (the pipeline reuses its buffers, and a datagram the kernel cannot
 * take at once is sent later) and uses one socket connected to each peer: a connected send skips
 * the per-call address resolution of an unconnected dgram send.
 */
export class FabricTransport {
  /** Receives every datagram (an outer IPv6 packet). */
  onPacket: (packet: Uint8Array) => void = () => {};
  rxPackets = 0;
  txPackets = 0;
  txErrors = 0;
  private readonly peers = new Map<string, { socket: dgram.Socket; connected: boolean }>();
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly endpoint: FabricEndpoint,
    private readonly options: FabricTransportOptions,
  ) {}

  static async start(options: FabricTransportOptions): Promise<FabricTransport> {
    const socket = dgram.createSocket({ type: "udp4", recvBufferSize: options.receiveBufferSize });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port, options.host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const endpoint = { host: options.host, port: socket.address().port };
    const transport = new FabricTransport(socket, endpoint, options);
    socket.on("message", (msg) => {
      transport.rxPackets++;
      transport.onPacket(msg);
    });
    socket.on("error", (err) => options.logger?.warn({ err }, "fabric socket error"));
    await options.registry.announce(options.prefix, endpoint);
    return transport;
  }

  /** Sends the outer IPv6 packet at `offset`; false when its /64 has no known endpoint. */
  send(buf: Uint8Array, offset: number, length: number): boolean {
    if (this.closed) return false;
    const endpoint = this.options.registry.lookup(buf, offset + OUTER_DST);
    if (endpoint === undefined) return false;
    const copy = Buffer.allocUnsafe(length);
    copy.set(buf.subarray(offset, offset + length));
    const peer = this.peer(endpoint);
    // No completion callback: with one, dgram schedules a tick per datagram. Send errors on UDP
    // surface as socket "error" events (counted below).
    if (peer.connected) peer.socket.send(copy);
    else this.socket.send(copy, endpoint.port, endpoint.host);
    this.txPackets++;
    return true;
  }

  private peer(endpoint: FabricEndpoint): { socket: dgram.Socket; connected: boolean } {
    const key = `${endpoint.host}:${endpoint.port}`;
    let peer = this.peers.get(key);
    if (peer === undefined) {
      const socket = dgram.createSocket("udp4");
      const entry = { socket, connected: false };
      peer = entry;
      this.peers.set(key, entry);
      socket.on("error", (err) => {
        this.txErrors++;
        this.options.logger?.debug({ err, peer: key }, "fabric peer socket error");
      });
      // Until it is connected, packets go out through the main socket with an explicit address.
      socket.connect(endpoint.port, endpoint.host, () => {
        entry.connected = true;
      });
    }
    return peer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.options.registry.withdraw(this.options.prefix).catch(() => {});
    for (const peer of this.peers.values()) peer.socket.close();
    this.peers.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
