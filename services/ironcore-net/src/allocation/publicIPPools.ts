import {
  formatIP,
  formatPrefix,
  type IPFamily,
  type ParsedIP,
  type ParsedPrefix,
  parsePrefix,
  prefixRange,
} from "@ironcore-ts/ipam";

/**
 * The public prefixes IPs are allocated from (upstream `--public-prefix`, here
 * IRONCORE_NET_PUBLIC_PREFIXES), grouped per family in configuration order. Upstream hands out
 * every address of a prefix; we leave out an IPv4 prefix's network and broadcast addresses (for
 * prefixes up to /30), because public prefixes are routed to networks whose edge devices treat
 * those two as special: a /24 yields 254 addresses.
 */
export class PublicIPPools {
  private readonly byFamily: Record<IPFamily, ParsedPrefix[]> = { IPv4: [], IPv6: [] };

  constructor(prefixes: readonly string[]) {
    for (const text of prefixes) {
      const p = parsePrefix(text.trim());
      if (!p) throw new RangeError(`public prefix ${JSON.stringify(text)} is not a valid CIDR`);
      this.byFamily[p.family].push(p);
    }
  }

  prefixes(family: IPFamily): readonly ParsedPrefix[] {
    return this.byFamily[family];
  }

  /** The prefixes of a family as text, for messages. */
  describe(family: IPFamily): string {
    return this.byFamily[family].map(formatPrefix).join(", ");
  }

  contains(ip: ParsedIP): boolean {
    return this.ranges(ip.family).some((r) => ip.value >= r.first && ip.value <= r.last);
  }

  /** The allocatable address ranges of a family, in configuration order. */
  ranges(family: IPFamily): Array<{ first: bigint; last: bigint }> {
    return this.byFamily[family].map((p) => {
      const { first, last } = prefixRange(p);
      return family === "IPv4" && last - first >= 3n
        ? { first: first + 1n, last: last - 1n }
        : { first, last };
    });
  }

  /** How many addresses the pools of a family hold. */
  size(family: IPFamily): bigint {
    return this.ranges(family).reduce((n, r) => n + (r.last - r.first + 1n), 0n);
  }

  /** Every configured prefix, both families, as canonical text. */
  all(): string[] {
    return [...this.byFamily.IPv4, ...this.byFamily.IPv6].map(formatPrefix);
  }
}

/** The canonical text of an address of a family. */
export function addressText(family: IPFamily, value: bigint): string {
  return formatIP({ family, value });
}
