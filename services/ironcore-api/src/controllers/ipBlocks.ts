/**
 * Aligned address blocks inside a parent prefix, for the prefix allocation controller. Exact for
 * IPv6 (bigint), and proportional to the number of blocks already taken, not to the size of the
 * parent (a /8 parent handing out /128s is no slower than one handing out /9s).
 */
import {
  familyBits,
  formatPrefix,
  type ParsedPrefix,
  prefixContains,
  prefixNetwork,
} from "@ironcore-ts/ipam";

interface Range {
  start: bigint;
  /** Exclusive. */
  end: bigint;
}

function rangeOf(p: ParsedPrefix): Range {
  const start = prefixNetwork(p);
  return { start, end: start + (1n << BigInt(familyBits(p.family) - p.bits)) };
}

function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * The first free block of `/length` inside `parent`, aligned to its size, that overlaps none of
 * `taken` (blocks of other families or outside the parent are ignored). Undefined when the
 * parent is full or `length` does not fit in it.
 */
export function allocateBlock(
  parent: ParsedPrefix,
  length: number,
  taken: readonly ParsedPrefix[],
): ParsedPrefix | undefined {
  const width = familyBits(parent.family);
  if (!Number.isInteger(length) || length < parent.bits || length > width) return undefined;
  const size = 1n << BigInt(width - length);
  const outer = rangeOf(parent);
  const used = taken
    .filter((t) => t.family === parent.family)
    .map(rangeOf)
    .filter((r) => overlaps(r, outer))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let candidate = outer.start;
  for (;;) {
    if (candidate + size > outer.end) return undefined;
    const block = { start: candidate, end: candidate + size };
    const hit = used.filter((r) => overlaps(r, block));
    if (hit.length === 0) return { family: parent.family, addr: candidate, bits: length };
    // Jump past everything in the way, then up to the next boundary of our block size.
    // (Math.max does not take bigints.)
    let past = candidate;
    for (const r of hit) if (r.end > past) past = r.end;
    candidate = ((past + size - 1n) / size) * size;
  }
}

/** Whether `requested` lies inside `parent` and overlaps none of `taken`. */
export function blockIsFree(
  parent: ParsedPrefix,
  requested: ParsedPrefix,
  taken: readonly ParsedPrefix[],
): boolean {
  if (!prefixContains(parent, requested)) return false;
  const r = rangeOf(requested);
  return !taken.some((t) => t.family === requested.family && overlaps(rangeOf(t), r));
}

/** Canonical text of a block, network address first (`10.128.0.0/9`). */
export function formatBlock(p: ParsedPrefix): string {
  return formatPrefix({ ...p, addr: prefixNetwork(p) });
}

/** Sorts blocks by address (then length), for a stable `status.used`. */
export function compareBlocks(a: ParsedPrefix, b: ParsedPrefix): number {
  const x = prefixNetwork(a);
  const y = prefixNetwork(b);
  if (a.family !== b.family) return a.family < b.family ? -1 : 1;
  if (x !== y) return x < y ? -1 : 1;
  return a.bits - b.bits;
}
