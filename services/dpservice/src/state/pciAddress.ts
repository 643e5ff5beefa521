/** A PCI address "dddd:bb:ss.f" (domain, bus, slot 0..31, function 0..7). */
export interface PciAddress {
  readonly domain: number;
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

const PCI = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;

export function parsePciAddress(text: string): PciAddress | undefined {
  const m = PCI.exec(text);
  if (!m) return undefined;
  const slot = Number.parseInt(m[3]!, 16);
  if (slot > 31) return undefined;
  return { domain: Number.parseInt(m[1]!, 16), bus: Number.parseInt(m[2]!, 16), slot, fn: Number(m[4]) };
}

export function formatPciAddress(a: PciAddress): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.fn}`;
}

/**
 * `count` consecutive VF addresses from `first`, as SR-IOV lays them out: the function counts
 * 0..7, then the slot (0..31), then the bus ("0000:3b:00.7" is followed by "0000:3b:01.0").
 */
export function consecutivePciAddresses(first: string, count: number): string[] {
  const start = parsePciAddress(first);
  if (!start) throw new Error(`not a PCI address (dddd:bb:ss.f): ${JSON.stringify(first)}`);
  let linear = ((start.bus * 32 + start.slot) * 8 + start.fn) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < count; i++, linear++) {
    const bus = Math.floor(linear / 256);
    if (bus > 0xff) throw new Error(`${count} VFs from ${first} run past bus ff`);
    out.push(
      formatPciAddress({ domain: start.domain, bus, slot: Math.floor(linear / 8) % 32, fn: linear % 8 }),
    );
  }
  return out;
}
