import { describe, expect, it } from "vitest";
import { buildMaglevTable, MAGLEV_TABLE_SIZE, maglevLookup } from "./maglev.js";
import { djbHash, murmurHash2 } from "./maglevHashes.js";

/** Deterministic pseudo-random numbers (xorshift32), so failures reproduce. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function underlay(next: () => number): Uint8Array {
  const a = new Uint8Array(16);
  a.set([0xfc, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0xd0, 0, 0, next() & 0xff]);
  new DataView(a.buffer).setUint32(12, next());
  return a;
}

describe("Maglev hashes", () => {
  it("match a C reference implementation (murmur2 seed 0, djb2 with bit 31 cleared)", () => {
    // Vectors computed with the C reference: bytes[i] = t*37 + i*11 + 1.
    const expected = [
      [3037853968, 1660298557],
      [3253189912, 750916237],
      [1238785934, 1989017565],
    ];
    expected.forEach(([mm, djb], t) => {
      const bytes = Uint8Array.from({ length: 16 }, (_, i) => (t * 37 + i * 11 + 1) & 0xff);
      expect(murmurHash2(bytes)).toBe(mm);
      expect(djbHash(bytes)).toBe(djb);
    });
  });
});

describe("buildMaglevTable", () => {
  it("fills every slot and spreads slots evenly", () => {
    const next = prng(7);
    const backends = Array.from({ length: 5 }, () => underlay(next));
    const table = buildMaglevTable(backends);
    expect(table.length).toBe(MAGLEV_TABLE_SIZE);
    const counts = new Array<number>(5).fill(0);
    for (const i of table) counts[i]!++;
    for (const c of counts) expect(Math.abs(c - MAGLEV_TABLE_SIZE / 5)).toBeLessThanOrEqual(1);
  });

  it("keeps the flows of the other backends when one backend is removed (10,000 flows)", () => {
    const next = prng(42);
    const backends = Array.from({ length: 6 }, () => underlay(next)).sort(compareBytes);
    const before = buildMaglevTable(backends);
    const removed = 2;
    const remaining = backends.filter((_, i) => i !== removed);
    const after = buildMaglevTable(remaining);

    let kept = 0;
    let others = 0;
    let movedToRemoved = 0;
    for (let f = 0; f < 10_000; f++) {
      const hash = next();
      const was = backends[maglevLookup(before, hash)]!;
      const now = remaining[maglevLookup(after, hash)]!;
      if (now === backends[removed]) movedToRemoved++;
      if (was === backends[removed]) continue;
      others++;
      if (was === now) kept++;
    }
    expect(movedToRemoved).toBe(0);
    // Maglev promises minimal, not zero, disruption: the slots of the removed backend are
    // refilled along the others' permutations, which moves a few more slots (here 4% of the other
    // flows; over 200 random sets of 2-11 backends: 3% on average, 12% at worst with 503 slots).
    expect(kept / others).toBeGreaterThan(0.94);
  });

  it("is the same for the same backends (both nodes of an HA pair agree)", () => {
    const next = prng(3);
    const backends = Array.from({ length: 4 }, () => underlay(next));
    expect(buildMaglevTable(backends)).toEqual(buildMaglevTable(backends.map((b) => Uint8Array.from(b))));
  });
});

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
