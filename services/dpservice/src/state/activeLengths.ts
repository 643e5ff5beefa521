/**
 * The prefix lengths a longest-prefix-match table currently holds, longest first, so a lookup
 * probes only lengths that exist (typically /32, /24 and /0: three hash lookups, not 33).
 */
export class ActiveLengths {
  private readonly counts: Int32Array;
  /** Lengths with at least one prefix, descending. Rebuilt only when a length appears or vanishes. */
  descending: readonly number[] = [];

  constructor(maxLength: number) {
    this.counts = new Int32Array(maxLength + 1);
  }

  add(length: number): void {
    if (this.counts[length]!++ === 0) this.rebuild();
  }

  remove(length: number): void {
    if (--this.counts[length]! === 0) this.rebuild();
  }

  clear(): void {
    this.counts.fill(0);
    this.descending = [];
  }

  private rebuild(): void {
    const out: number[] = [];
    for (let len = this.counts.length - 1; len >= 0; len--) if (this.counts[len]! > 0) out.push(len);
    this.descending = out;
  }
}
