import { ActiveLengths } from "./activeLengths.js";
import { IPV4_MASKS } from "./ipAddr.js";
import type { LpmEntry } from "./lpmEntry.js";

/** Netmasks as signed int32: `address & mask` then stays a small integer (no heap number). */
const SIGNED_MASKS = Int32Array.from(IPV4_MASKS, (m) => m | 0);

/**
 * IPv4 longest-prefix match: one hash map per prefix length, probed longest first over the
 * lengths in use only. A lookup costs one AND and one Map.get per such length (typically 2-4),
 * independent of the number of routes, and allocates nothing. Addresses are unsigned 32-bit
 * numbers at the API (entries report them so); internally keys are the signed int32 bit pattern.
 */
export class Ipv4Lpm<V> {
  private readonly byLength: Map<number, LpmEntry<number, V>>[] = Array.from({ length: 33 }, () => new Map());
  private readonly lengths = new ActiveLengths(32);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a prefix (host bits are cleared); false if that prefix is already present. */
  insert(address: number, length: number, value: V): boolean {
    const key = address & SIGNED_MASKS[length]!;
    const map = this.byLength[length]!;
    if (map.has(key)) return false;
    map.set(key, { address: key >>> 0, length, value });
    this.lengths.add(length);
    this.count++;
    return true;
  }

  getExact(address: number, length: number): LpmEntry<number, V> | undefined {
    return this.byLength[length]!.get(address & SIGNED_MASKS[length]!);
  }

  remove(address: number, length: number): LpmEntry<number, V> | undefined {
    const key = address & SIGNED_MASKS[length]!;
    const map = this.byLength[length]!;
    const entry = map.get(key);
    if (!entry) return undefined;
    map.delete(key);
    this.lengths.remove(length);
    this.count--;
    return entry;
  }

  /** The most specific prefix containing `address` (signed or unsigned 32-bit both work). */
  lookup(address: number): LpmEntry<number, V> | undefined {
    const lengths = this.lengths.descending;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      const entry = this.byLength[length]!.get(address & SIGNED_MASKS[length]!);
      if (entry) return entry;
    }
    return undefined;
  }

  /** Every entry, ordered by address then length (a stable order for listings). */
  entries(): LpmEntry<number, V>[] {
    const out: LpmEntry<number, V>[] = [];
    for (const map of this.byLength) for (const e of map.values()) out.push(e);
    return out.sort((a, b) => a.address - b.address || a.length - b.length);
  }

  /** Removes the entries `drop` selects. */
  removeWhere(drop: (entry: LpmEntry<number, V>) => boolean): void {
    for (const map of this.byLength) {
      for (const [key, e] of map) {
        if (!drop(e)) continue;
        map.delete(key);
        this.lengths.remove(e.length);
        this.count--;
      }
    }
  }

  clear(): void {
    for (const map of this.byLength) map.clear();
    this.lengths.clear();
    this.count = 0;
  }
}
