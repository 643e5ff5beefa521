/**
 * IP addresses and prefixes as the ironcore and apinet APIs write them (`10.0.0.1`,
 * `2001:db8::/64`).
 *
 * Parsing follows Go's net/netip, which upstream uses for its `IP` / `IPPrefix` JSON types, so
 * the same strings are accepted: dotted-quad IPv4 without leading zeros, RFC 4291 IPv6 (with an
 * optional embedded IPv4 tail), prefix lengths 0-32 / 0-128 without leading zeros. Unlike netip
 * we refuse IPv6 zones (`fe80::1%eth0`): a zone is meaningful only on one host, never in an
 * object that describes a virtual network. Values are kept as bigint so prefix containment is
 * exact for IPv6.
 */

export type IPFamily = "IPv4" | "IPv6";

export const ipFamilies: readonly IPFamily[] = ["IPv4", "IPv6"];

export function isIPFamily(value: unknown): value is IPFamily {
  return value === "IPv4" || value === "IPv6";
}

/** Address width of a family: 32 or 128. */
export function familyBits(family: IPFamily): 32 | 128 {
  return family === "IPv4" ? 32 : 128;
}

export interface ParsedIP {
  family: IPFamily;
  value: bigint;
}

export interface ParsedPrefix {
  family: IPFamily;
  /** The address as written (host bits are kept, as netip.Prefix does). */
  addr: bigint;
  bits: number;
}

const decimalOctet = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!decimalOctet.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

const hexGroup = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // An IPv4 tail is only allowed as the very last part.
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!hexGroup.test(part)) return undefined;
    groups.push(Number.parseInt(part, 16));
  }
  return groups;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes("%")) return undefined;
  const doubleColon = s.indexOf("::");
  let groups: number[];
  if (doubleColon < 0) {
    const all = parseGroups(s);
    if (all?.length !== 8) return undefined;
    groups = all;
  } else {
    if (s.indexOf("::", doubleColon + 1) >= 0) return undefined;
    const head = parseGroups(s.slice(0, doubleColon));
    const tail = parseGroups(s.slice(doubleColon + 2));
    if (!head || !tail) return undefined;
    // "::" stands for at least one zero group.
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

export function parseIP(s: string): ParsedIP | undefined {
  if (s.includes(":")) {
    const value = parseIPv6(s);
    return value === undefined ? undefined : { family: "IPv6", value };
  }
  const value = parseIPv4(s);
  return value === undefined ? undefined : { family: "IPv4", value };
}

/**
 * The family of a literal IP, or undefined when it does not parse. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) are IPv6, as in upstream (netip's Is4 is false for them).
 */
export function ipFamilyOf(s: string): IPFamily | undefined {
  return parseIP(s)?.family;
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

/** RFC 5952 text: lowercase, longest run (>= 2) of zero groups compressed, first run on ties. */
function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped addresses keep their dotted tail, as netip prints them.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(value & 0xffffffffn)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function formatIP(ip: ParsedIP): string {
  return ip.family === "IPv4" ? formatIPv4(ip.value) : formatIPv6(ip.value);
}

/** The canonical text of an IP (`2001:DB8:0::1` -> `2001:db8::1`), or undefined if invalid. */
export function canonicalIP(s: string): string | undefined {
  const ip = parseIP(s);
  return ip ? formatIP(ip) : undefined;
}

const prefixLengthText = /^(0|[1-9][0-9]{0,2})$/;

export function parsePrefix(s: string): ParsedPrefix | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !prefixLengthText.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > familyBits(ip.family)) return undefined;
  return { family: ip.family, addr: ip.value, bits };
}

export function formatPrefix(p: ParsedPrefix): string {
  return `${formatIP({ family: p.family, value: p.addr })}/${p.bits}`;
}

/** The canonical text of a prefix, host bits kept (as netip.Prefix.String does). */
export function canonicalPrefix(s: string): string | undefined {
  const p = parsePrefix(s);
  return p ? formatPrefix(p) : undefined;
}

function mask(family: IPFamily, bits: number): bigint {
  const width = BigInt(familyBits(family));
  const all = (1n << width) - 1n;
  return all ^ ((1n << (width - BigInt(bits))) - 1n);
}

/** The network address of a prefix (host bits cleared). */
export function prefixNetwork(p: ParsedPrefix): bigint {
  return p.addr & mask(p.family, p.bits);
}

/** Whether `inner` lies entirely inside `outer` (same family, at least as long, same network). */
export function prefixContains(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  if (outer.family !== inner.family || inner.bits < outer.bits) return false;
  return (inner.addr & mask(outer.family, outer.bits)) === prefixNetwork(outer);
}

/** A /32 (IPv4) or /128 (IPv6): a prefix naming exactly one address. */
export function isSingleIP(p: ParsedPrefix): boolean {
  return p.bits === familyBits(p.family);
}

/** The first and last address of a prefix (network and broadcast included, as upstream). */
export function prefixRange(p: ParsedPrefix): { first: bigint; last: bigint } {
  const first = prefixNetwork(p);
  const hostBits = BigInt(familyBits(p.family) - p.bits);
  return { first, last: first + (1n << hostBits) - 1n };
}

/** Whether `ip` lies in `p` (same family, inside first..last). */
export function prefixContainsIP(p: ParsedPrefix, ip: ParsedIP): boolean {
  if (p.family !== ip.family) return false;
  const { first, last } = prefixRange(p);
  return ip.value >= first && ip.value <= last;
}

/** An IPv6 address as eight 4-digit hex groups joined by `-` (usable in names and label values). */
export function expandedIPv6(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--)
    groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16).padStart(4, "0"));
  return groups.join("-");
}
