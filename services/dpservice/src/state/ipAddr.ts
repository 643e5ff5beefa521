import {
  formatIpv4,
  formatIpv6,
  ipv4Mask,
  ipv6FromBigInt,
  ipv6ToBigInt,
  parseIpv4,
  parseIpv6,
} from "@ironcore-ts/packet";

/**
 * Addresses as the tables hold them: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit
 * bigint. Both compare by value with `===` and are cheap Map keys, and the pipeline gets them
 * from a frame in one read (DataView.getUint32 / ipv6ToBigInt of @ironcore-ts/packet).
 */
export type IpAddr = Ipv4Addr | Ipv6Addr;

export interface Ipv4Addr {
  readonly family: 4;
  readonly value: number;
}

export interface Ipv6Addr {
  readonly family: 6;
  readonly value: bigint;
}

/** A prefix with its host bits cleared. */
export interface IpPrefix {
  readonly addr: IpAddr;
  readonly length: number;
}

export function ipv4Addr(value: number): Ipv4Addr {
  return { family: 4, value: value >>> 0 };
}

export function ipv6Addr(value: bigint): Ipv6Addr {
  return { family: 6, value };
}

export function parseIpAddr(text: string, family: 4 | 6): IpAddr | undefined {
  if (family === 4) {
    const v = parseIpv4(text);
    return v === undefined ? undefined : ipv4Addr(v);
  }
  const v = parseIpv6(text);
  return v === undefined ? undefined : ipv6Addr(ipv6ToBigInt(v));
}

export function formatIpAddr(addr: IpAddr): string {
  return addr.family === 4 ? formatIpv4(addr.value) : formatIpv6(ipv6FromBigInt(addr.value));
}

export function isZeroAddr(addr: IpAddr): boolean {
  return addr.family === 4 ? addr.value === 0 : addr.value === 0n;
}

export function ipAddrEquals(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.value === b.value;
}

const ALL_ONES_128 = (1n << 128n) - 1n;

/** IPV6_MASKS[n]: the netmask of an IPv6 /n as a bigint. */
export const IPV6_MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, n) =>
  n === 0 ? 0n : (ALL_ONES_128 << BigInt(128 - n)) & ALL_ONES_128,
);

/** IPV4_MASKS[n]: the netmask of an IPv4 /n as an unsigned number. */
export const IPV4_MASKS: readonly number[] = Array.from({ length: 33 }, (_, n) => ipv4Mask(n));

export function maxPrefixLength(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** The prefix with host bits cleared, so "10.0.0.7/24" and "10.0.0.0/24" are the same key. */
export function normalizePrefix(addr: IpAddr, length: number): IpPrefix {
  if (addr.family === 4) return { addr: ipv4Addr(addr.value & IPV4_MASKS[length]!), length };
  return { addr: ipv6Addr(addr.value & IPV6_MASKS[length]!), length };
}

export function prefixContains(prefix: IpPrefix, addr: IpAddr): boolean {
  if (prefix.addr.family !== addr.family) return false;
  if (addr.family === 4) return (addr.value & IPV4_MASKS[prefix.length]!) >>> 0 === prefix.addr.value;
  return (addr.value & IPV6_MASKS[prefix.length]!) === prefix.addr.value;
}

export function formatPrefix(prefix: IpPrefix): string {
  return `${formatIpAddr(prefix.addr)}/${prefix.length}`;
}

/** A string key unique across families, for registries that hold both (listing order, lookups). */
export function prefixKey(prefix: IpPrefix): string {
  return `${prefix.addr.family}:${prefix.addr.value.toString(16)}/${prefix.length}`;
}

export function ipAddrKey(addr: IpAddr): string {
  return `${addr.family}:${addr.value.toString(16)}`;
}

/** Orders addresses IPv4 before IPv6, then numerically. */
export function compareIpAddr(a: IpAddr, b: IpAddr): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
