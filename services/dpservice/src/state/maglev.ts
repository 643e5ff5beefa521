import { djbHash, murmurHash2 } from "./maglevHashes.js";

/** Lookup table size: a prime, so every skip walks all positions. */
export const MAGLEV_TABLE_SIZE = 503;

/**
 * Builds the Maglev lookup table (Eisenbud et al., NSDI 2016) for backends given in their sorted
 * order: each backend fills free slots along its own permutation (offset = murmur2 mod 503,
 * skip = djb mod 502 + 1), round-robin, until the table is full. Entry = backend index.
 * Removing a backend moves (almost) only the slots it held, so other flows keep their backend.
 */
export function buildMaglevTable(backends: readonly Uint8Array[]): Int16Array {
  const size = MAGLEV_TABLE_SIZE;
  const table = new Int16Array(size).fill(-1);
  const n = backends.length;
  if (n === 0) return table;
  const offset = new Int32Array(n);
  const skip = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    offset[i] = murmurHash2(backends[i]!) % size;
    skip[i] = (djbHash(backends[i]!) % (size - 1)) + 1;
  }
  let filled = 0;
  while (filled < size) {
    for (let i = 0; i < n && filled < size; i++) {
      // Next position in backend i's permutation that is still free.
      let pos = (offset[i]! + next[i]! * skip[i]!) % size;
      while (table[pos] !== -1) {
        next[i]!++;
        pos = (offset[i]! + next[i]! * skip[i]!) % size;
      }
      table[pos] = i;
      next[i]!++;
      filled++;
    }
  }
  return table;
}

/** The backend index for a flow: table[flowHash mod 503], or -1 when there are no backends. */
export function maglevLookup(table: Int16Array, flowHash: number): number {
  return table[(flowHash >>> 0) % MAGLEV_TABLE_SIZE]!;
}
