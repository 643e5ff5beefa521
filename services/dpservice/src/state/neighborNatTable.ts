import type { NeighborNatEntry } from "./neighborNatEntry.js";

/**
 * Port ranges of NAT IPs owned by other nodes. Ranges of one NAT IP never overlap, whatever their
 * VNI, so per IP they are kept sorted by port and a packet's range is found by binary search.
 */
export class NeighborNatTable {
  private readonly byIp = new Map<number, NeighborNatEntry[]>();

  get size(): number {
    let n = 0;
    for (const ranges of this.byIp.values()) n += ranges.length;
    return n;
  }

  /** The range holding `port` for (natIp, vni), if any: where to relay an inbound packet. */
  find(natIp: number, vni: number, port: number): NeighborNatEntry | undefined {
    const ranges = this.byIp.get(natIp);
    if (!ranges) return undefined;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = ranges[mid]!;
      if (port < r.minPort) hi = mid - 1;
      else if (port >= r.maxPort) lo = mid + 1;
      else return r.vni === vni ? r : undefined;
    }
    return undefined;
  }

  /** false if the range overlaps one of the same NAT IP (in any VNI). */
  add(entry: NeighborNatEntry): boolean {
    const ranges = this.byIp.get(entry.natIp) ?? [];
    if (ranges.some((r) => entry.minPort < r.maxPort && r.minPort < entry.maxPort)) return false;
    this.byIp.set(
      entry.natIp,
      [...ranges, entry].sort((a, b) => a.minPort - b.minPort),
    );
    return true;
  }

  /** Removes the exact range; undefined if there is none. */
  remove(natIp: number, vni: number, minPort: number, maxPort: number): NeighborNatEntry | undefined {
    const ranges = this.byIp.get(natIp);
    const entry = ranges?.find((r) => r.vni === vni && r.minPort === minPort && r.maxPort === maxPort);
    if (!ranges || !entry) return undefined;
    this.setRanges(
      natIp,
      ranges.filter((r) => r !== entry),
    );
    return entry;
  }

  /** Every range of one NAT IP (or of all, ordered by IP), each IP's ranges by port. */
  list(natIp?: number): NeighborNatEntry[] {
    if (natIp !== undefined) return [...(this.byIp.get(natIp) ?? [])];
    return [...this.byIp.keys()].sort((a, b) => a - b).flatMap((ip) => this.byIp.get(ip)!);
  }

  /** Removes the ranges `drop` selects and returns them. */
  removeWhere(drop: (entry: NeighborNatEntry) => boolean): NeighborNatEntry[] {
    const removed: NeighborNatEntry[] = [];
    for (const [ip, ranges] of [...this.byIp]) {
      const keep = ranges.filter((r) => !drop(r));
      if (keep.length === ranges.length) continue;
      removed.push(...ranges.filter((r) => !keep.includes(r)));
      this.setRanges(ip, keep);
    }
    return removed;
  }

  private setRanges(natIp: number, ranges: NeighborNatEntry[]): void {
    if (ranges.length === 0) this.byIp.delete(natIp);
    else this.byIp.set(natIp, ranges);
  }
}
