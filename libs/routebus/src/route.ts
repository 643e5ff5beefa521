import { ApiError, type FieldError } from "@ironcore-ts/apimachinery";
import { formatIp, formatPrefix, parseIp, parsePrefix } from "./ipAddress.js";

/** What a route points at; metalnet maps STANDARD to a route, NAT to a neighbour NAT, LOADBALANCER_TARGET to an LB backend. */
export type NextHopType = "STANDARD" | "NAT" | "LOADBALANCER_TARGET";

export const nextHopTypes: readonly NextHopType[] = ["STANDARD", "NAT", "LOADBALANCER_TARGET"];

export interface Destination {
  ipVersion: 4 | 6;
  /** Canonical "10.0.0.1/32" or "fd00::1/128". */
  prefix: string;
}

export interface NextHop {
  /** Underlay address of the announcing dataplane, normally IPv6. */
  targetAddress: string;
  targetVni: number;
  type: NextHopType;
  /** Only for NAT: the port slice of this host behind the NAT IP. */
  natPortRangeFrom?: number;
  natPortRangeTo?: number;
}

export interface Route {
  vni: number;
  destination: Destination;
  nextHop: NextHop;
}

/** VNIs are 24-bit on the wire (VXLAN/Geneve); metalnet's Network.spec.id has the same range. */
export const maxVni = 0xffffff;

export function isValidVni(vni: unknown): vni is number {
  return typeof vni === "number" && Number.isInteger(vni) && vni >= 0 && vni <= maxVni;
}

export function assertVni(vni: unknown, path = "vni"): asserts vni is number {
  if (!isValidVni(vni)) {
    throw new ApiError("Invalid", `${path}: must be an integer in 0..${maxVni}`, [
      { path, type: "Invalid", value: vni, detail: `must be an integer in 0..${maxVni}` },
    ]);
  }
}

function isPort(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

/**
 * Validates a route and returns it in canonical form: addresses in canonical text, only the fields
 * of the route (NAT ports only on NAT). Throws ApiError "Invalid" naming every bad field.
 */
export function normalizeRoute(route: Route): Route {
  const errors: FieldError[] = [];
  const bad = (path: string, value: unknown, detail: string) =>
    errors.push({ path, type: "Invalid", value, detail });

  if (!isValidVni(route?.vni)) bad("vni", route?.vni, `must be an integer in 0..${maxVni}`);

  const destination = route?.destination;
  const prefix = typeof destination?.prefix === "string" ? parsePrefix(destination.prefix) : null;
  if (!prefix) bad("destination.prefix", destination?.prefix, 'must be a CIDR prefix such as "10.0.0.1/32"');
  const family = prefix ? (prefix.address.length === 4 ? 4 : 6) : undefined;
  if (destination?.ipVersion !== 4 && destination?.ipVersion !== 6) {
    bad("destination.ipVersion", destination?.ipVersion, "must be 4 or 6");
  } else if (family !== undefined && destination.ipVersion !== family) {
    bad("destination.ipVersion", destination.ipVersion, `the prefix is IPv${family}`);
  }

  const hop = route?.nextHop;
  const target = typeof hop?.targetAddress === "string" ? parseIp(hop.targetAddress) : null;
  if (!target) bad("nextHop.targetAddress", hop?.targetAddress, "must be an IP address");
  if (!isValidVni(hop?.targetVni))
    bad("nextHop.targetVni", hop?.targetVni, `must be an integer in 0..${maxVni}`);
  const type = hop?.type;
  if (!nextHopTypes.includes(type)) bad("nextHop.type", type, `must be one of ${nextHopTypes.join(", ")}`);

  if (type === "NAT") {
    if (!isPort(hop.natPortRangeFrom))
      bad("nextHop.natPortRangeFrom", hop.natPortRangeFrom, "must be a port");
    if (!isPort(hop.natPortRangeTo)) bad("nextHop.natPortRangeTo", hop.natPortRangeTo, "must be a port");
    if (
      isPort(hop.natPortRangeFrom) &&
      isPort(hop.natPortRangeTo) &&
      hop.natPortRangeFrom > hop.natPortRangeTo
    ) {
      bad("nextHop.natPortRangeTo", hop.natPortRangeTo, "must not be below natPortRangeFrom");
    }
  } else if (hop && (hop.natPortRangeFrom || hop.natPortRangeTo)) {
    // metalbond only carries ports for NAT; silently dropping them would hide a caller's mistake.
    bad("nextHop.natPortRangeFrom", hop.natPortRangeFrom, "port ranges are only for NAT next hops");
  }

  if (errors.length > 0 || !prefix || !target || !family) {
    throw new ApiError(
      "Invalid",
      `invalid route: ${errors.map((e) => `${e.path}: ${e.detail}`).join("; ")}`,
      errors,
    );
  }
  const nextHop: NextHop = { targetAddress: formatIp(target), targetVni: hop.targetVni, type: hop.type };
  if (hop.type === "NAT") {
    nextHop.natPortRangeFrom = hop.natPortRangeFrom;
    nextHop.natPortRangeTo = hop.natPortRangeTo;
  }
  return { vni: route.vni, destination: { ipVersion: family, prefix: formatPrefix(prefix) }, nextHop };
}

/** Identity key of an already normalized route: every next-hop field is part of it. */
export function keyOfNormalized(route: Route): string {
  const hop = route.nextHop;
  const base = `${route.vni}|${route.destination.prefix}|${hop.targetAddress}|${hop.targetVni}|${hop.type}`;
  return hop.type === "NAT" ? `${base}|${hop.natPortRangeFrom}-${hop.natPortRangeTo}` : base;
}

/**
 * Canonical identity of a route: (VNI, prefix, target, target VNI, type, NAT range). Two NAT slices of one
 * NAT IP are two routes; two spellings of one address are one route.
 */
export function routeKey(route: Route): string {
  return keyOfNormalized(normalizeRoute(route));
}

/** Key of (VNI, destination): what metalbond's loop prevention compares, next hop ignored. */
export function destinationKey(route: Route): string {
  return `${route.vni}|${route.destination.prefix}`;
}

/** Orders routes by their identity key, for stable listings. */
export function compareRoutes(a: Route, b: Route): number {
  const ka = keyOfNormalized(a);
  const kb = keyOfNormalized(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
