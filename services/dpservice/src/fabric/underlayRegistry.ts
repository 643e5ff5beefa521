import { formatIpv6, parseIpv6 } from "@ironcore-ts/packet";

/** Where a dpservice receives fabric datagrams (UDP, loopback in this simulation). */
export interface FabricEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Which fabric endpoint owns which underlay /64: each node's underlay addresses (host, interfaces,
 * VIPs, NATs, LBs, prefixes) all live in its /64, so a packet's outer destination prefix picks
 * the node. Nodes announce themselves at start, so nodes can be added at run time.
 */
export interface UnderlayRegistry {
  /** The endpoint owning the /64 of the 16-byte address at `offset` of `address` (packet path). */
  lookup(address: Uint8Array, offset: number): FabricEndpoint | undefined;
  /** Makes `prefix`'s /64 (first 8 bytes) reachable at `endpoint`. */
  announce(prefix: Uint8Array, endpoint: FabricEndpoint): Promise<void>;
  withdraw(prefix: Uint8Array): Promise<void>;
  /** Every known /64 ("fc00:1::/64") and its endpoint. */
  list(): { prefix: string; endpoint: FabricEndpoint }[];
  close(): Promise<void>;
}

/** A 4-character string of the first 8 bytes at `offset`: the Map key of a /64. */
export function prefix64Key(address: Uint8Array, offset = 0): string {
  const a = address;
  const o = offset;
  return String.fromCharCode(
    (a[o]! << 8) | a[o + 1]!,
    (a[o + 2]! << 8) | a[o + 3]!,
    (a[o + 4]! << 8) | a[o + 5]!,
    (a[o + 6]! << 8) | a[o + 7]!,
  );
}

/** "fc00:1::/64" for a key made by prefix64Key. */
export function formatPrefix64Key(key: string): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const c = key.charCodeAt(i);
    bytes[i * 2] = c >> 8;
    bytes[i * 2 + 1] = c & 0xff;
  }
  return `${formatIpv6(bytes)}/64`;
}

/** The 16 hex digits of a /64, a key safe for KV stores (NATS KV allows [-/_=.a-zA-Z0-9]). */
export function prefix64Hex(address: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += address[i]!.toString(16).padStart(2, "0");
  return s;
}

export function prefix64FromHex(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function formatEndpoint(e: FabricEndpoint): string {
  return `${e.host}:${e.port}`;
}

/**
 * Parses static fabric peers: "fc00:2::/64=127.0.0.1:6002,fc00:ffff::/64=127.0.0.1:6100" (the /64
 * may be written as any address in it, with or without "/64"). Throws on malformed entries.
 */
export function parseFabricPeers(text: string): { prefix: Uint8Array; endpoint: FabricEndpoint }[] {
  const out: { prefix: Uint8Array; endpoint: FabricEndpoint }[] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const eq = item.lastIndexOf("=");
    const colon = item.lastIndexOf(":");
    const prefixText = item.slice(0, eq).replace(/\/64$/, "");
    const host = item.slice(eq + 1, colon);
    const port = Number(item.slice(colon + 1));
    const prefix = parseIpv6(prefixText);
    if (
      eq < 0 ||
      colon < eq ||
      !prefix ||
      host === "" ||
      !Number.isInteger(port) ||
      port < 1 ||
      port > 65535
    ) {
      throw new Error(`bad fabric peer ${JSON.stringify(item)}: want <ipv6 /64>=<host>:<port>`);
    }
    out.push({ prefix, endpoint: { host, port } });
  }
  return out;
}
