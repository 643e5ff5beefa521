import type { FlowSide } from "./flow.js";

const EMPTY_CAPACITY = 4096;

function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h =
    Math.imul(w0, 0x9e3779b1) ^
    Math.imul(w1, 0x85ebca77) ^
    Math.imul(w2, 0xc2b2ae3d) ^
    Math.imul(w3, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

/**
 * The IPv4 conntrack index: an open-addressing hash table (linear probing, backward-shift
 * deletion) keyed by four int32 words (see flowKey.ts flowKeyWordsV4), values the flow directions.
 * A lookup hashes and compares numbers only: no key string is built and no garbage is left per
 * packet, which measured about twice as fast as a Map with a 9-character string key on this
 * machine (the largest single cost of an established packet before). IPv6 flows keep a string
 * Map (their 37-byte keys are rarer and would need 10 words).
 */
export class FlowTableV4 {
  private keys: Int32Array;
  private values: (FlowSide | undefined)[];
  private mask: number;
  private count = 0;

  constructor(capacity = EMPTY_CAPACITY) {
    this.keys = new Int32Array(capacity * 4);
    this.values = new Array<FlowSide | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get(w0: number, w1: number, w2: number, w3: number): FlowSide | undefined {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = hashWords(w0, w1, w2, w3) & mask;
    for (;;) {
      const v = values[i];
      if (v === undefined) return undefined;
      const k = i << 2;
      if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) return v;
      i = (i + 1) & mask;
    }
  }

  /** Inserts unless the key is present; returns false if it was. */
  set(w0: number, w1: number, w2: number, w3: number, value: FlowSide): boolean {
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    const keys = this.keys;
    let i = hashWords(w0, w1, w2, w3) & this.mask;
    for (;;) {
      if (this.values[i] === undefined) break;
      const k = i << 2;
      if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) return false;
      i = (i + 1) & this.mask;
    }
    const k = i << 2;
    keys[k] = w0;
    keys[k + 1] = w1;
    keys[k + 2] = w2;
    keys[k + 3] = w3;
    this.values[i] = value;
    this.count++;
    return true;
  }

  /** Removes the key if it maps to `value`; returns whether it did. */
  delete(w0: number, w1: number, w2: number, w3: number, value: FlowSide): boolean {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = hashWords(w0, w1, w2, w3) & mask;
    for (;;) {
      const v = values[i];
      if (v === undefined) return false;
      const k = i << 2;
      if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) {
        if (v !== value) return false;
        break;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole, so lookups
    // never need tombstones.
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (values[j] === undefined) break;
      const k = j << 2;
      const home = hashWords(keys[k]!, keys[k + 1]!, keys[k + 2]!, keys[k + 3]!) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      const h = hole << 2;
      keys[h] = keys[k]!;
      keys[h + 1] = keys[k + 1]!;
      keys[h + 2] = keys[k + 2]!;
      keys[h + 3] = keys[k + 3]!;
      values[hole] = values[j];
      hole = j;
    }
    values[hole] = undefined;
    this.count--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldValues.length * 2;
    this.keys = new Int32Array(capacity * 4);
    this.values = new Array<FlowSide | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldValues.length; i++) {
      const v = oldValues[i];
      if (v === undefined) continue;
      const k = i << 2;
      this.set(oldKeys[k]!, oldKeys[k + 1]!, oldKeys[k + 2]!, oldKeys[k + 3]!, v);
    }
  }
}
