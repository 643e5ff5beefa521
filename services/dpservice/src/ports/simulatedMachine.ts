import dgram from "node:dgram";
import {
  ArpOperation,
  BROADCAST_MAC,
  buildArp,
  buildEchoReply,
  buildIcmpEcho,
  buildNeighborSolicitation,
  buildPacket,
  type Frame,
  formatIpv4,
  formatIpv6,
  IpProtocol,
  type IpSpec,
  ipv6Equal,
  isDrop,
  type L4Spec,
  type MacAddress,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  readArp,
  solicitedNodeMulticast,
  TcpFlag,
} from "@ironcore-ts/packet";
import {
  DHCP_CLIENT_PORT,
  DHCP_FLAG_BROADCAST,
  DHCP_SERVER_PORT,
  type DhcpMessage,
  DhcpMessageType,
  DhcpOp,
  DhcpOption,
  encodeDhcp,
  optionText,
  parseClasslessRoutes,
  parseDhcp,
  u32Option,
} from "../pipeline/dhcpMessage.js";
import { PacketLog } from "./packetLog.js";
import { type PacketSummary, summarizeFrame } from "./packetSummary.js";

const GATEWAY_V4 = parseIpv4("169.254.0.1")!;
const GATEWAY_V6 = parseIpv6("fe80::1")!;

export interface SimulatedMachineOptions {
  name?: string;
  /** dpservice's end of the VM port (AttachPort's host and port). */
  port: { host: string; port: number };
  /** Default: a MAC derived from the name. */
  mac?: string;
  /** The guest's addresses; IPv4 can also be learnt with dhcp(). */
  ipv4?: string;
  ipv6?: string;
  /** More addresses the guest answers on (e.g. a load balancer IP on an LB backend). */
  extraAddresses?: string[];
  /** Answer ARP, echo requests and TCP SYNs like a guest OS (default true). */
  respond?: boolean;
}

export interface DhcpLease {
  ip: string;
  mask: string;
  serverId: string;
  routes: { destination: string; router: string }[];
  router: string;
  mtu: number;
  dns: string[];
  hostname: string;
  leaseSeconds: number;
  offer: DhcpMessage;
  ack: DhcpMessage;
}

/**
 * A machine's NIC for tests and local setups: a UDP socket on loopback exchanging raw Ethernet
 * frames with a dpservice VM port, plus a tiny guest stack built with libs/packet. It ARPs for
 * the gateway 169.254.0.1, learns its address by DHCP, answers ARP for its addresses, echo
 * requests and TCP SYNs (SYN-ACK from the address the SYN was sent to, like an open port), and
 * records everything it receives.
 */
export class SimulatedMachine {
  readonly name: string;
  readonly mac: MacAddress;
  ipv4: number | undefined;
  ipv6: Uint8Array | undefined;
  /** Gateway MAC: broadcast until ARP/NDP/DHCP taught it. */
  gatewayMac: MacAddress = BROADCAST_MAC.slice();
  readonly received = new PacketLog<PacketSummary>();
  respond: boolean;
  private readonly extra4 = new Set<number>();
  private readonly extra6: Uint8Array[] = [];
  private nextPort = 40000;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly port: { host: string; port: number },
    options: SimulatedMachineOptions,
  ) {
    this.name = options.name ?? "machine";
    this.mac = parseMac(options.mac ?? macFromName(this.name))!;
    this.ipv4 = options.ipv4 ? parseIpv4(options.ipv4) : undefined;
    this.ipv6 = options.ipv6 ? parseIpv6(options.ipv6) : undefined;
    for (const a of options.extraAddresses ?? []) this.addAddress(a);
    this.respond = options.respond ?? true;
    socket.on("message", (msg) => this.onFrame(msg));
  }

  static async start(options: SimulatedMachineOptions): Promise<SimulatedMachine> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new SimulatedMachine(socket, options.port, options);
  }

  /** The machine's own socket (for AttachPort with an explicit machine endpoint). */
  get endpoint(): { host: string; port: number } {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  addAddress(text: string): void {
    if (text.includes(":")) this.extra6.push(parseIpv6(text)!);
    else this.extra4.add(parseIpv4(text)!);
  }

  /** A fresh source port (40000, 40001, ...). */
  allocatePort(): number {
    return this.nextPort++;
  }

  // Sending ---------------------------------------------------------------------------------------

  sendFrame(frame: Uint8Array): void {
    this.socket.send(frame, this.port.port, this.port.host);
  }

  /** An IP packet to the gateway MAC. */
  sendIp(ip: IpSpec, l4: L4Spec): void {
    this.sendFrame(buildPacket({ ethernet: { src: this.mac, dst: this.gatewayMac }, ip, l4 }));
  }

  private ipSpec(dst: string, src?: string): IpSpec {
    if (dst.includes(":")) {
      const from = src ? parseIpv6(src) : this.ipv6;
      if (!from) throw new Error(`${this.name} has no IPv6 address`);
      return { version: 6, src: from, dst: parseIpv6(dst)! };
    }
    const from = src ? parseIpv4(src) : this.ipv4;
    if (from === undefined) throw new Error(`${this.name} has no IPv4 address`);
    return { version: 4, src: from, dst: parseIpv4(dst)! };
  }

  sendTcp(
    dst: string,
    srcPort: number,
    dstPort: number,
    flags: number,
    options: { src?: string; seq?: number; ack?: number; payload?: Uint8Array } = {},
  ): void {
    this.sendIp(this.ipSpec(dst, options.src), {
      kind: "tcp",
      srcPort,
      dstPort,
      flags,
      seq: options.seq ?? 1000,
      ack: options.ack ?? 0,
      payload: options.payload,
    });
  }

  sendUdp(
    dst: string,
    srcPort: number,
    dstPort: number,
    payload: Uint8Array,
    options: { src?: string } = {},
  ): void {
    this.sendIp(this.ipSpec(dst, options.src), { kind: "udp", srcPort, dstPort, payload });
  }

  sendEcho(dst: string, id: number, seq: number, options: { src?: string; data?: Uint8Array } = {}): void {
    this.sendFrame(
      buildIcmpEcho({
        ethernet: { src: this.mac, dst: this.gatewayMac },
        ip: this.ipSpec(dst, options.src),
        identifier: id,
        sequence: seq,
        data: options.data ?? new Uint8Array(16).fill(0x61),
      }),
    );
  }

  // Exchanges -------------------------------------------------------------------------------------

  /** ARP for 169.254.0.1; resolves with the gateway MAC (also kept for sending). */
  async arpGateway(timeoutMs = 2000): Promise<string> {
    const since = this.received.mark();
    this.sendFrame(
      buildArp(
        { src: this.mac, dst: BROADCAST_MAC },
        {
          operation: ArpOperation.Request,
          senderMac: this.mac,
          senderIp: this.ipv4 ?? 0,
          targetMac: new Uint8Array(6),
          targetIp: GATEWAY_V4,
        },
      ),
    );
    const reply = await this.received.waitFor(
      (p) => p.kind === "arp" && p.arpOperation === ArpOperation.Reply && p.src === "169.254.0.1",
      { since, timeoutMs, what: "the gateway's ARP reply" },
    );
    return reply.srcMac;
  }

  /** NS for fe80::1; resolves with the gateway MAC. */
  async ndGateway(timeoutMs = 2000): Promise<string> {
    const since = this.received.mark();
    const src = parseIpv6("fe80::1:2")!;
    this.sendFrame(
      buildNeighborSolicitation({
        ethernet: { src: this.mac, dst: Uint8Array.of(0x33, 0x33, 0xff, 0, 0, 1) },
        src,
        dst: solicitedNodeMulticast(GATEWAY_V6),
        target: GATEWAY_V6,
        sourceLinkLayerAddress: this.mac,
      }),
    );
    const na = await this.received.waitFor((p) => p.protocol === "icmpv6" && p.icmpType === 136, {
      since,
      timeoutMs,
      what: "the gateway's neighbour advertisement",
    });
    this.gatewayMac = parseMac(na.srcMac)!;
    return na.srcMac;
  }

  /** DISCOVER -> OFFER -> REQUEST -> ACK; the leased address becomes the machine's IPv4. */
  async dhcp(
    options: { timeoutMs?: number; userClass?: string; vendorClass?: string } = {},
  ): Promise<DhcpLease> {
    const xid = (Math.random() * 0xffffffff) >>> 0;
    const timeoutMs = options.timeoutMs ?? 2000;
    const extra = new Map<number, Uint8Array>();
    if (options.userClass) extra.set(DhcpOption.UserClass, new TextEncoder().encode(options.userClass));
    if (options.vendorClass)
      extra.set(DhcpOption.VendorClassId, new TextEncoder().encode(options.vendorClass));
    const isReply = (type: number) => (p: PacketSummary) => {
      if (p.protocol !== "udp" || p.dstPort !== DHCP_CLIENT_PORT) return false;
      const m = parseDhcp(p.payload);
      return m !== undefined && m.xid === xid && m.options.get(DhcpOption.MessageType)?.[0] === type;
    };
    let since = this.received.mark();
    this.sendDhcp(xid, DhcpMessageType.Discover, extra);
    const offerPacket = await this.received.waitFor(isReply(DhcpMessageType.Offer), {
      since,
      timeoutMs,
      what: "DHCPOFFER",
    });
    const offer = parseDhcp(offerPacket.payload)!;
    since = this.received.mark();
    const request = new Map(extra);
    request.set(DhcpOption.RequestedIp, u32Option(offer.yiaddr));
    request.set(DhcpOption.ServerId, offer.options.get(DhcpOption.ServerId) ?? u32Option(GATEWAY_V4));
    this.sendDhcp(xid, DhcpMessageType.Request, request);
    const ackPacket = await this.received.waitFor(isReply(DhcpMessageType.Ack), {
      since,
      timeoutMs,
      what: "DHCPACK",
    });
    const ack = parseDhcp(ackPacket.payload)!;
    this.ipv4 = ack.yiaddr;
    this.gatewayMac = parseMac(ackPacket.srcMac)!;
    const u32 = (code: number) => {
      const d = ack.options.get(code);
      return d && d.length >= 4 ? ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0 : undefined;
    };
    const dnsBytes = ack.options.get(DhcpOption.DomainNameServer) ?? new Uint8Array();
    const dns: string[] = [];
    for (let i = 0; i + 4 <= dnsBytes.length; i += 4) {
      dns.push(
        formatIpv4(
          ((dnsBytes[i]! << 24) | (dnsBytes[i + 1]! << 16) | (dnsBytes[i + 2]! << 8) | dnsBytes[i + 3]!) >>>
            0,
        ),
      );
    }
    const mtuBytes = ack.options.get(DhcpOption.InterfaceMtu);
    return {
      ip: formatIpv4(ack.yiaddr),
      mask: formatIpv4(u32(DhcpOption.SubnetMask) ?? 0),
      serverId: formatIpv4(u32(DhcpOption.ServerId) ?? 0),
      routes: parseClasslessRoutes(ack.options.get(DhcpOption.ClasslessStaticRoute) ?? new Uint8Array()).map(
        (r) => ({
          destination: `${formatIpv4(r.destination)}/${r.length}`,
          router: formatIpv4(r.router),
        }),
      ),
      router: u32(DhcpOption.Router) === undefined ? "" : formatIpv4(u32(DhcpOption.Router)!),
      mtu: mtuBytes ? (mtuBytes[0]! << 8) | mtuBytes[1]! : 0,
      dns,
      hostname: optionText(ack.options.get(DhcpOption.HostName)),
      leaseSeconds: u32(DhcpOption.LeaseTime) ?? 0,
      offer,
      ack,
    };
  }

  private sendDhcp(xid: number, type: number, extra: Map<number, Uint8Array>): void {
    const options = new Map<number, Uint8Array>([[DhcpOption.MessageType, Uint8Array.of(type)]]);
    for (const [k, v] of extra) options.set(k, v);
    options.set(DhcpOption.ParameterRequestList, Uint8Array.of(1, 3, 6, 12, 26, 121));
    const payload = encodeDhcp({
      op: DhcpOp.Request,
      xid,
      secs: 0,
      flags: DHCP_FLAG_BROADCAST,
      ciaddr: 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: 0,
      chaddr: this.mac,
      file: "",
      options,
    });
    this.sendFrame(
      buildPacket({
        ethernet: { src: this.mac, dst: BROADCAST_MAC },
        ip: { version: 4, src: 0, dst: 0xffffffff },
        l4: { kind: "udp", srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload },
      }),
    );
  }

  /** Echo request; resolves with the matching echo reply. */
  async ping(
    dst: string,
    options: { id?: number; seq?: number; src?: string; timeoutMs?: number } = {},
  ): Promise<PacketSummary> {
    const id = options.id ?? this.allocatePort() & 0xffff;
    const seq = options.seq ?? 1;
    const since = this.received.mark();
    this.sendEcho(dst, id, seq, { src: options.src });
    const v6 = dst.includes(":");
    return this.received.waitFor(
      (p) =>
        p.protocol === (v6 ? "icmpv6" : "icmp") &&
        p.icmpType === (v6 ? 129 : 0) &&
        p.icmpId === id &&
        p.icmpSeq === seq,
      { since, timeoutMs: options.timeoutMs ?? 2000, what: `echo reply from ${dst}` },
    );
  }

  /** SYN -> SYN-ACK -> ACK; resolves with the SYN-ACK. */
  async tcpConnect(
    dst: string,
    dstPort: number,
    options: { srcPort?: number; src?: string; timeoutMs?: number } = {},
  ): Promise<PacketSummary> {
    const srcPort = options.srcPort ?? this.allocatePort();
    const since = this.received.mark();
    this.sendTcp(dst, srcPort, dstPort, TcpFlag.SYN, { src: options.src, seq: 1000 });
    const synAck = await this.received.waitFor(
      (p) =>
        p.protocol === "tcp" &&
        p.dstPort === srcPort &&
        p.srcPort === dstPort &&
        (p.tcpFlags & 0x12) === 0x12,
      { since, timeoutMs: options.timeoutMs ?? 2000, what: `SYN-ACK from ${dst}:${dstPort}` },
    );
    this.sendTcp(dst, srcPort, dstPort, TcpFlag.ACK, { src: options.src, seq: 1001, ack: synAck.tcpSeq + 1 });
    return synAck;
  }

  // Receiving -------------------------------------------------------------------------------------

  private onFrame(bytes: Uint8Array): void {
    const f = parseFrame(bytes);
    if (isDrop(f)) return;
    const summary = summarizeFrame(f);
    if (this.respond) this.answer(f);
    this.received.push(summary);
  }

  private ownsV4(a: number): boolean {
    return a === this.ipv4 || this.extra4.has(a);
  }

  private ownsV6(a: Uint8Array): boolean {
    return (this.ipv6 !== undefined && ipv6Equal(a, this.ipv6)) || this.extra6.some((x) => ipv6Equal(x, a));
  }

  /** The guest OS part: ARP for own addresses, echo, SYN-ACK. */
  private answer(f: Frame): void {
    if (f.hasEthernet && f.etherType === 0x0806) {
      const arp = readArp(f);
      if (arp.senderIp === GATEWAY_V4) this.gatewayMac = arp.senderMac.slice();
      if (arp.operation === ArpOperation.Request && this.ownsV4(arp.targetIp)) {
        this.sendFrame(
          buildArp(
            { src: this.mac, dst: arp.senderMac.slice() },
            {
              operation: ArpOperation.Reply,
              senderMac: this.mac,
              senderIp: arp.targetIp,
              targetMac: arp.senderMac.slice(),
              targetIp: arp.senderIp,
            },
          ),
        );
      }
      if (arp.operation === ArpOperation.Reply && arp.senderIp === GATEWAY_V4)
        this.gatewayMac = arp.senderMac.slice();
      return;
    }
    const mine = f.ipVersion === 4 ? this.ownsV4(f.ipv4Dst) : f.ipVersion === 6 && this.ownsV6(f.ipv6Dst);
    if (!mine) return;
    if (f.isIcmpEcho && f.icmpType === (f.ipVersion === 4 ? 8 : 128)) {
      const reply = buildEchoReply(f, { ethernet: { src: this.mac, dst: this.gatewayMac } });
      if (reply) this.sendFrame(reply);
      return;
    }
    if (f.protocol === IpProtocol.TCP && (f.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      const ip: IpSpec =
        f.ipVersion === 4
          ? { version: 4, src: f.ipv4Dst, dst: f.ipv4Src }
          : { version: 6, src: f.ipv6Dst.slice(), dst: f.ipv6Src.slice() };
      this.sendIp(ip, {
        kind: "tcp",
        srcPort: f.dstPort,
        dstPort: f.srcPort,
        flags: TcpFlag.SYN | TcpFlag.ACK,
        seq: 5000,
        ack: (f.tcpSeq + 1) >>> 0,
      });
    }
  }

  describe(): string {
    return `${this.name} (${this.ipv4 !== undefined ? formatIpv4(this.ipv4) : "-"}${this.ipv6 ? ` ${formatIpv6(this.ipv6)}` : ""})`;
  }

  close(): Promise<void> {
    this.received.close();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function macFromName(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  const b = [0x52, 0x54, 0x00, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}
