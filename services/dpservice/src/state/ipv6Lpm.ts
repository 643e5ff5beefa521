import { ActiveLengths } from "./activeLengths.js";
import { IPV6_MASKS } from "./ipAddr.js";
import { Ipv6Table, readWord, wordOf } from "./ipv6Table.js";
import type { LpmEntry } from "./lpmEntry.js";

/** MASK_WORDS[4n + i]: word i of the netmask of a /n. */
const MASK_WORDS = new Int32Array(129 * 4);
for (let n = 0; n <= 128; n++) for (let i = 0; i < 4; i++) MASK_WORDS[n * 4 + i] = wordOf(IPV6_MASKS[n]!, i);

/**
 * IPv6 longest-prefix match, the same design as Ipv4Lpm: one hash table per prefix length keyed
 * by the masked address, probed longest first over the lengths in use only. The address is masked
 * word by word (four int32 ANDs, no allocation) and looked up in an Ipv6Table. Control-plane calls
 * take the address as a 128-bit bigint; the packet path passes the frame's bytes.
 */
export class Ipv6Lpm<V> {
  private readonly byLength: Ipv6Table<LpmEntry<bigint, V>>[] = Array.from(
    { length: 129 },
    () => new Ipv6Table(),
  );
  private readonly lengths = new ActiveLengths(128);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a prefix (host bits are cleared); false if that prefix is already present. */
  insert(address: bigint, length: number, value: V): boolean {
    const key = address & IPV6_MASKS[length]!;
    if (!this.byLength[length]!.setBigInt(key, { address: key, length, value })) return false;
    this.lengths.add(length);
    this.count++;
    return true;
  }

  getExact(address: bigint, length: number): LpmEntry<bigint, V> | undefined {
    return this.byLength[length]!.getBigInt(address & IPV6_MASKS[length]!);
  }

  remove(address: bigint, length: number): LpmEntry<bigint, V> | undefined {
    const entry = this.byLength[length]!.deleteBigInt(address & IPV6_MASKS[length]!);
    if (!entry) return undefined;
    this.lengths.remove(length);
    this.count--;
    return entry;
  }

  /** The most specific prefix containing the address given as four big-endian int32 words. */
  lookupWords(w0: number, w1: number, w2: number, w3: number): LpmEntry<bigint, V> | undefined {
    const lengths = this.lengths.descending;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      const m = length * 4;
      const entry = this.byLength[length]!.get(
        w0 & MASK_WORDS[m]!,
        w1 & MASK_WORDS[m + 1]!,
        w2 & MASK_WORDS[m + 2]!,
        w3 & MASK_WORDS[m + 3]!,
      );
      if (entry) return entry;
    }
    return undefined;
  }

  /** The most specific prefix containing the 16 bytes at `offset` (e.g. a frame's destination). */
  lookup(bytes: Uint8Array, offset = 0): LpmEntry<bigint, V> | undefined {
    return this.lookupWords(
      readWord(bytes, offset),
      readWord(bytes, offset + 4),
      readWord(bytes, offset + 8),
      readWord(bytes, offset + 12),
    );
  }

  lookupBigInt(address: bigint): LpmEntry<bigint, V> | undefined {
    return this.lookupWords(wordOf(address, 0), wordOf(address, 1), wordOf(address, 2), wordOf(address, 3));
  }

  /** Every entry, ordered by address then length. */
  entries(): LpmEntry<bigint, V>[] {
    const out: LpmEntry<bigint, V>[] = [];
    for (const table of this.byLength) out.push(...table.values());
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.length - b.length));
  }

  removeWhere(drop: (entry: LpmEntry<bigint, V>) => boolean): void {
    for (const e of this.entries()) if (drop(e)) this.remove(e.address, e.length);
  }

  clear(): void {
    for (const table of this.byLength) table.clear();
    this.lengths.clear();
    this.count = 0;
  }
}
