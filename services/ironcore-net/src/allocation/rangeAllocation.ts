import { randomBelow, walkFrom } from "./candidateWalk.js";

export interface CandidateRange {
  first: bigint;
  last: bigint;
}

export interface RangeAllocation {
  ranges: readonly CandidateRange[];
  /** The claim name of a candidate (`"4711"`, `"203.0.113.7"`). */
  nameOf(value: bigint): string;
  /** Names a local, possibly stale cache believes taken: skipped in the first pass. */
  knownTaken(name: string): boolean;
  /** Every taken name, read from the store now (for the confirming second pass). */
  listTaken(): Promise<ReadonlySet<string>>;
  /** Tries to create the claim: true if it is ours, false if the name was taken. */
  tryClaim(value: bigint): Promise<boolean>;
}

async function firstClaimed(
  a: RangeAllocation,
  skip: (name: string) => boolean,
  onTried: (name: string) => void,
): Promise<bigint | undefined> {
  for (const r of a.ranges) {
    const start = r.first + randomBelow(r.last - r.first + 1n);
    for (const value of walkFrom(start, r.first, r.last)) {
      const name = a.nameOf(value);
      if (skip(name)) continue;
      onTried(name);
      if (await a.tryClaim(value)) return value;
    }
  }
  return undefined;
}

/**
 * Claims a free value of the ranges (in order): random start, walk upward with wrap-around,
 * skip what the cache knows taken, create the claim; AlreadyExists moves on. The cache only
 * saves round trips, the atomic create decides. When that finds nothing, a second pass checks
 * against a fresh list of claims, so a value freed a moment ago (not yet in the cache) is found
 * and "exhausted" is only reported when the store says so. Undefined: every value is taken.
 */
export async function allocateFromRanges(a: RangeAllocation): Promise<bigint | undefined> {
  const tried = new Set<string>();
  const first = await firstClaimed(
    a,
    (name) => tried.has(name) || a.knownTaken(name),
    (name) => tried.add(name),
  );
  if (first !== undefined) return first;
  const taken = await a.listTaken();
  return firstClaimed(
    a,
    (name) => taken.has(name),
    () => {},
  );
}
