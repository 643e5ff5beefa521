import { readU16, readU32, writeU16, writeU32 } from "@ironcore-ts/packet";

/** DHCPv4 (RFC 2131/2132) message codec: the fixed BOOTP part plus options. */

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const MAGIC_COOKIE = 0x63825363;
/** op .. file, before the magic cookie. */
const FIXED_LENGTH = 236;

export const DhcpOp = { Request: 1, Reply: 2 } as const;

export const DhcpMessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;

export const DhcpOption = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DomainNameServer: 6,
  HostName: 12,
  InterfaceMtu: 26,
  RequestedIp: 50,
  LeaseTime: 51,
  MessageType: 53,
  ServerId: 54,
  ParameterRequestList: 55,
  VendorClassId: 60,
  TftpServerName: 66,
  BootfileName: 67,
  UserClass: 77,
  ClasslessStaticRoute: 121,
  End: 255,
} as const;

/** BOOTP flags: the client wants the reply broadcast (it cannot receive unicast yet). */
export const DHCP_FLAG_BROADCAST = 0x8000;

export interface DhcpMessage {
  op: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  /** Client hardware address (6 bytes for Ethernet). */
  chaddr: Uint8Array;
  /** Boot file name field (option 67 is used too). */
  file: string;
  /** Options by code, in order. */
  options: Map<number, Uint8Array>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Parses a DHCP message from a UDP payload; undefined if it is not one. */
export function parseDhcp(payload: Uint8Array): DhcpMessage | undefined {
  if (payload.length < FIXED_LENGTH + 4) return undefined;
  if (readU32(payload, FIXED_LENGTH) !== MAGIC_COOKIE) return undefined;
  const hlen = payload[2]!;
  if (hlen > 16) return undefined;
  const options = new Map<number, Uint8Array>();
  let o = FIXED_LENGTH + 4;
  while (o < payload.length) {
    const code = payload[o]!;
    if (code === DhcpOption.End) break;
    if (code === DhcpOption.Pad) {
      o++;
      continue;
    }
    if (o + 1 >= payload.length) return undefined;
    const len = payload[o + 1]!;
    if (o + 2 + len > payload.length) return undefined;
    // RFC 3396: repeated options concatenate.
    const data = payload.subarray(o + 2, o + 2 + len);
    const prev = options.get(code);
    options.set(code, prev ? concat(prev, data) : data.slice());
    o += 2 + len;
  }
  const fileBytes = payload.subarray(108, 236);
  const nul = fileBytes.indexOf(0);
  return {
    op: payload[0]!,
    xid: readU32(payload, 4),
    secs: readU16(payload, 8),
    flags: readU16(payload, 10),
    ciaddr: readU32(payload, 12),
    yiaddr: readU32(payload, 16),
    siaddr: readU32(payload, 20),
    giaddr: readU32(payload, 24),
    chaddr: payload.slice(28, 28 + hlen),
    file: decoder.decode(nul < 0 ? fileBytes : fileBytes.subarray(0, nul)),
    options,
  };
}

/** Encodes a message (Ethernet hardware type), options in map order, then End. */
export function encodeDhcp(msg: DhcpMessage): Uint8Array {
  let optionsLength = 1;
  for (const data of msg.options.values())
    optionsLength += 2 * Math.ceil(Math.max(data.length, 1) / 255) + data.length;
  const out = new Uint8Array(Math.max(FIXED_LENGTH + 4 + optionsLength, 300));
  out[0] = msg.op;
  out[1] = 1; // Ethernet
  out[2] = msg.chaddr.length;
  writeU32(out, 4, msg.xid);
  writeU16(out, 8, msg.secs);
  writeU16(out, 10, msg.flags);
  writeU32(out, 12, msg.ciaddr);
  writeU32(out, 16, msg.yiaddr);
  writeU32(out, 20, msg.siaddr);
  writeU32(out, 24, msg.giaddr);
  out.set(msg.chaddr.subarray(0, 16), 28);
  out.set(encoder.encode(msg.file).subarray(0, 127), 108);
  writeU32(out, FIXED_LENGTH, MAGIC_COOKIE);
  let o = FIXED_LENGTH + 4;
  for (const [code, data] of msg.options) {
    // Options longer than 255 bytes are split (RFC 3396).
    let at = 0;
    do {
      const len = Math.min(255, data.length - at);
      out[o] = code;
      out[o + 1] = len;
      out.set(data.subarray(at, at + len), o + 2);
      o += 2 + len;
      at += len;
    } while (at < data.length);
  }
  out[o] = DhcpOption.End;
  return out;
}

export function u32Option(value: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, value);
  return b;
}

export function u16Option(value: number): Uint8Array {
  const b = new Uint8Array(2);
  writeU16(b, 0, value);
  return b;
}

export function ipListOption(addresses: readonly number[]): Uint8Array {
  const b = new Uint8Array(addresses.length * 4);
  for (let i = 0; i < addresses.length; i++) writeU32(b, i * 4, addresses[i]!);
  return b;
}

export function textOption(text: string): Uint8Array {
  return encoder.encode(text);
}

export function optionText(data: Uint8Array | undefined): string {
  return data ? decoder.decode(data) : "";
}

/** A classless static route (RFC 3442): destination/length via router (0.0.0.0 = on-link). */
export interface ClasslessRoute {
  destination: number;
  length: number;
  router: number;
}

/** Option 121: width, significant destination octets, router. */
export function classlessRoutesOption(routes: readonly ClasslessRoute[]): Uint8Array {
  const parts: number[] = [];
  for (const r of routes) {
    parts.push(r.length);
    const octets = Math.ceil(r.length / 8);
    for (let i = 0; i < octets; i++) parts.push((r.destination >>> (24 - i * 8)) & 0xff);
    parts.push((r.router >>> 24) & 0xff, (r.router >>> 16) & 0xff, (r.router >>> 8) & 0xff, r.router & 0xff);
  }
  return Uint8Array.from(parts);
}

/** Decodes option 121 (for clients and tests). */
export function parseClasslessRoutes(data: Uint8Array): ClasslessRoute[] {
  const out: ClasslessRoute[] = [];
  let o = 0;
  while (o < data.length) {
    const length = data[o++]!;
    const octets = Math.ceil(length / 8);
    let destination = 0;
    for (let i = 0; i < 4; i++) destination = (destination << 8) | (i < octets ? data[o + i]! : 0);
    o += octets;
    const router = readU32(data, o);
    o += 4;
    out.push({ destination: destination >>> 0, length, router });
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
