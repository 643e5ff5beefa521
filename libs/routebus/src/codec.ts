import { formatIp, formatPrefix, parseIp } from "./ipAddress.js";
import { isValidVni, type NextHopType, normalizeRoute, type Route } from "./route.js";

/**
 * Compact binary form of one route: the payload of a stored announcement (about 31 bytes for an IPv4
 * destination with an IPv6 next hop) and, base64url-encoded, the route's token in storage keys.
 *
 *   0      version (1)
 *   1      flags: bits 0-1 next-hop type (0 STANDARD, 1 NAT, 2 LOADBALANCER_TARGET),
 *                 bit 2 destination is IPv6, bit 3 target is IPv6
 *   2-5    VNI (uint32 BE)
 *   6      prefix length
 *   ...    destination address (4 or 16 bytes), target address (4 or 16 bytes)
 *   ...    target VNI (uint32 BE), then NAT only: port from, port to (uint16 BE each)
 */
const codecVersion = 1;
const typeCodes: Record<NextHopType, number> = { STANDARD: 0, NAT: 1, LOADBALANCER_TARGET: 2 };
const typesByCode: readonly NextHopType[] = ["STANDARD", "NAT", "LOADBALANCER_TARGET"];

export class RouteCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteCodecError";
  }
}

/** Encodes a route; the route is normalized (and validated) first. */
export function encodeRoute(route: Route): Uint8Array {
  return encodeNormalized(normalizeRoute(route));
}

/** Encodes a route that is already normalized (hot path: no second validation). */
export function encodeNormalized(route: Route): Uint8Array {
  const dest = addressBytes(route.destination.prefix.slice(0, route.destination.prefix.indexOf("/")));
  const prefixLength = Number(route.destination.prefix.slice(route.destination.prefix.indexOf("/") + 1));
  const target = addressBytes(route.nextHop.targetAddress);
  const nat = route.nextHop.type === "NAT";
  const out = new Uint8Array(7 + dest.length + target.length + 4 + (nat ? 4 : 0));
  const view = new DataView(out.buffer);
  out[0] = codecVersion;
  out[1] = typeCodes[route.nextHop.type] | (dest.length === 16 ? 4 : 0) | (target.length === 16 ? 8 : 0);
  view.setUint32(2, route.vni);
  out[6] = prefixLength;
  out.set(dest, 7);
  out.set(target, 7 + dest.length);
  let at = 7 + dest.length + target.length;
  view.setUint32(at, route.nextHop.targetVni);
  at += 4;
  if (nat) {
    view.setUint16(at, route.nextHop.natPortRangeFrom ?? 0);
    view.setUint16(at + 2, route.nextHop.natPortRangeTo ?? 0);
  }
  return out;
}

/** Decodes a payload into a normalized route; throws RouteCodecError on anything malformed. */
export function decodeRoute(bytes: Uint8Array): Route {
  if (bytes.length < 2 || bytes[0] !== codecVersion) throw new RouteCodecError("unknown route codec version");
  const flags = bytes[1] ?? 0;
  const type = typesByCode[flags & 3];
  if (!type || flags & 0xf0) throw new RouteCodecError("bad route flags");
  const destLength = flags & 4 ? 16 : 4;
  const targetLength = flags & 8 ? 16 : 4;
  const expected = 7 + destLength + targetLength + 4 + (type === "NAT" ? 4 : 0);
  if (bytes.length !== expected)
    throw new RouteCodecError(`route payload has ${bytes.length} bytes, expected ${expected}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vni = view.getUint32(2);
  const prefixLength = bytes[6] ?? 0;
  if (!isValidVni(vni)) throw new RouteCodecError(`VNI ${vni} out of range`);
  if (prefixLength > destLength * 8) throw new RouteCodecError(`prefix length ${prefixLength} out of range`);
  const address = bytes.subarray(7, 7 + destLength);
  const target = bytes.subarray(7 + destLength, 7 + destLength + targetLength);
  let at = 7 + destLength + targetLength;
  const targetVni = view.getUint32(at);
  if (!isValidVni(targetVni)) throw new RouteCodecError(`target VNI ${targetVni} out of range`);
  at += 4;
  const route: Route = {
    vni,
    destination: {
      ipVersion: destLength === 4 ? 4 : 6,
      prefix: formatPrefix({ address, length: prefixLength }),
    },
    nextHop: { targetAddress: formatIp(target), targetVni, type },
  };
  if (type === "NAT") {
    route.nextHop.natPortRangeFrom = view.getUint16(at);
    route.nextHop.natPortRangeTo = view.getUint16(at + 2);
    if (route.nextHop.natPortRangeFrom > route.nextHop.natPortRangeTo)
      throw new RouteCodecError("bad NAT port range");
  }
  return route;
}

/** The storage-key token of a normalized route: base64url of its encoding (valid in NATS subjects). */
export function routeToken(route: Route): string {
  return Buffer.from(encodeNormalized(route)).toString("base64url");
}

export function routeFromToken(token: string): Route {
  return decodeRoute(Buffer.from(token, "base64url"));
}

function addressBytes(canonical: string): Uint8Array {
  const bytes = parseIp(canonical);
  if (!bytes) throw new RouteCodecError(`not an address: ${canonical}`);
  return bytes;
}
