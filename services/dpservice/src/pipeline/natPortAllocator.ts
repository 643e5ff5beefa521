import type { LocalNatEntry } from "../state/interfaceEntry.js";
import { flowHashV4 } from "./flowHash.js";

/** One internal endpoint's NAT port, shared by all its flows (endpoint-independent mapping). */
export class NatMapping {
  /** Flows using the mapping; the port is freed when the last one ends. */
  refs = 0;

  constructor(
    readonly key: string,
    readonly entry: LocalNatEntry,
    readonly natIp: number,
    readonly port: number,
  ) {}
}

/**
 * NAT gateway port allocation, as upstream: the mapping is endpoint-independent per (VNI, source
 * IP, source port), so an internal endpoint keeps one NAT port whatever it talks to (the reply
 * flows tell destinations apart). A new port starts at min + hash(VNI, IP, port) mod range and
 * probes linearly; an exhausted range is a drop. The range is [minPort, maxPort), max exclusive.
 * Ports are tracked per NAT IP, so interfaces sharing a NAT IP can never hand out the same port
 * even if their ranges were (wrongly) made to overlap.
 */
export class NatPortAllocator {
  private readonly byEndpoint = new Map<string, NatMapping>();
  private readonly usedByIp = new Map<number, Uint8Array>();

  get size(): number {
    return this.byEndpoint.size;
  }

  /** The endpoint's mapping (one more reference), or undefined when the range is exhausted. */
  acquire(vni: number, src: number, srcPort: number, entry: LocalNatEntry): NatMapping | undefined {
    const key = String.fromCharCode(
      vni >>> 16,
      vni & 0xffff,
      src >>> 16,
      src & 0xffff,
      srcPort,
      entry.ip >>> 16,
      entry.ip & 0xffff,
    );
    const existing = this.byEndpoint.get(key);
    if (existing && existing.entry === entry) {
      existing.refs++;
      return existing;
    }
    const range = entry.maxPort - entry.minPort;
    if (range <= 0) return undefined;
    let used = this.usedByIp.get(entry.ip);
    if (!used) {
      used = new Uint8Array(65536);
      this.usedByIp.set(entry.ip, used);
    }
    const offset = flowHashV4(vni, src, srcPort, 0, 0) % range;
    for (let i = 0; i < range; i++) {
      const port = entry.minPort + ((offset + i) % range);
      if (used[port] !== 0) continue;
      used[port] = 1;
      const mapping = new NatMapping(key, entry, entry.ip, port);
      mapping.refs = 1;
      // A stale mapping of a replaced NAT entry (its flows are being flushed) stops being found.
      this.byEndpoint.set(key, mapping);
      return mapping;
    }
    return undefined;
  }

  release(mapping: NatMapping): void {
    if (--mapping.refs > 0) return;
    const used = this.usedByIp.get(mapping.natIp);
    if (used) used[mapping.port] = 0;
    if (this.byEndpoint.get(mapping.key) === mapping) this.byEndpoint.delete(mapping.key);
  }

  /** Ports of `natIp` in use (for stats and tests). */
  portsInUse(natIp: number): number {
    const used = this.usedByIp.get(natIp);
    if (!used) return 0;
    let n = 0;
    for (const u of used) n += u;
    return n;
  }
}
