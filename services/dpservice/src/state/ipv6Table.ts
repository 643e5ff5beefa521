/**
 * A hash map keyed by an IPv6 address given as four 32-bit words (or read straight out of a
 * frame), for the packet path.
 *
 * Why not Map<bigint>: V8 hashes a BigInt by its lowest 64-bit digit only, so every IPv6 prefix of
 * /64 or shorter (low half zero) lands in one hash chain; measured 20 µs per lookup with 1000
 * prefixes. Here a Map is keyed by a 30-bit hash of all four words (a small integer, which V8
 * hashes well) and each bucket holds the few entries sharing it, compared word by word.
 */
export class Ipv6Table<V> {
  private readonly buckets = new Map<number, Slot<V>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(w0: number, w1: number, w2: number, w3: number): V | undefined {
    const bucket = this.buckets.get(hashWords(w0, w1, w2, w3));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const s = bucket[i]!;
      if (s.w0 === w0 && s.w1 === w1 && s.w2 === w2 && s.w3 === w3) return s.value;
    }
    return undefined;
  }

  /** The entry for the 16 bytes at `offset` (e.g. an IPv6 header's destination). */
  getBytes(bytes: Uint8Array, offset = 0): V | undefined {
    return this.get(
      readWord(bytes, offset),
      readWord(bytes, offset + 4),
      readWord(bytes, offset + 8),
      readWord(bytes, offset + 12),
    );
  }

  getBigInt(address: bigint): V | undefined {
    return this.get(wordOf(address, 0), wordOf(address, 1), wordOf(address, 2), wordOf(address, 3));
  }

  /** false (and no change) if the address is present. */
  setBigInt(address: bigint, value: V): boolean {
    const w0 = wordOf(address, 0);
    const w1 = wordOf(address, 1);
    const w2 = wordOf(address, 2);
    const w3 = wordOf(address, 3);
    const hash = hashWords(w0, w1, w2, w3);
    const bucket = this.buckets.get(hash);
    if (bucket?.some((s) => s.w0 === w0 && s.w1 === w1 && s.w2 === w2 && s.w3 === w3)) return false;
    const slot = { w0, w1, w2, w3, value };
    if (bucket) bucket.push(slot);
    else this.buckets.set(hash, [slot]);
    this.count++;
    return true;
  }

  deleteBigInt(address: bigint): V | undefined {
    const w0 = wordOf(address, 0);
    const w1 = wordOf(address, 1);
    const w2 = wordOf(address, 2);
    const w3 = wordOf(address, 3);
    const hash = hashWords(w0, w1, w2, w3);
    const bucket = this.buckets.get(hash);
    const i = bucket?.findIndex((s) => s.w0 === w0 && s.w1 === w1 && s.w2 === w2 && s.w3 === w3) ?? -1;
    if (!bucket || i < 0) return undefined;
    const [slot] = bucket.splice(i, 1);
    if (bucket.length === 0) this.buckets.delete(hash);
    this.count--;
    return slot!.value;
  }

  values(): V[] {
    const out: V[] = [];
    for (const bucket of this.buckets.values()) for (const s of bucket) out.push(s.value);
    return out;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}

interface Slot<V> {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  readonly value: V;
}

/** Big-endian 32-bit word at `offset`, as a signed int32 (what `|` and `&` produce). */
export function readWord(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

/** Word `i` (0 = most significant) of a 128-bit address, as a signed int32. */
export function wordOf(address: bigint, i: number): number {
  return Number((address >> BigInt(96 - 32 * i)) & 0xffffffffn) | 0;
}

/** Mixes all 128 bits into 30 bits: a small integer, so V8 keeps it unboxed and hashes it well. */
function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x5bd1e995, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ w1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ w2, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ w3, 0x27d4eb2f);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
