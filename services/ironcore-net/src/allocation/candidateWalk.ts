import { randomBytes } from "node:crypto";

/** A uniformly random bigint in [0, n) (n > 0), for random start points in huge IPv6 pools. */
export function randomBelow(n: bigint): bigint {
  if (n <= 0n) throw new RangeError(`randomBelow: n must be positive, got ${n}`);
  const bytes = Math.ceil(n.toString(16).length / 2) + 8;
  // 64 extra random bits make the modulo bias negligible.
  return BigInt(`0x${randomBytes(bytes).toString("hex")}`) % n;
}

/**
 * Every value of [first, last] once, starting at `start` and walking upward, wrapping from
 * `last` to `first` until just before `start` (upstream's allocation walk: a random start
 * spreads concurrent allocators over the range, so they rarely try the same candidate).
 */
export function* walkFrom(start: bigint, first: bigint, last: bigint): Generator<bigint> {
  if (start < first || start > last) throw new RangeError(`start ${start} is outside [${first}, ${last}]`);
  for (let v = start; v <= last; v++) yield v;
  for (let v = first; v < start; v++) yield v;
}
