/**
 * NAT port slices (reference ironcore-net.md section 4): each NAT public IP's ports 1024-65535
 * are cut into equal slots of `portsPerNetworkInterface` ports; slot k of an IP is
 * [1024 + k·ppn, 1024 + (k+1)·ppn − 1]. Pure functions, shared by the NAT controller and tests.
 */

export const natFirstPort = 1024;
export const natLastPort = 65535;
/** 64512 usable ports per NAT IP. */
export const natUsablePorts = natLastPort - natFirstPort + 1;

export interface PortRange {
  port: number;
  endPort: number;
}

function checkPortsPerNIC(portsPerNetworkInterface: number): void {
  if (!Number.isInteger(portsPerNetworkInterface) || portsPerNetworkInterface <= 0) {
    throw new RangeError(
      `portsPerNetworkInterface must be a positive integer, got ${portsPerNetworkInterface}`,
    );
  }
}

/**
 * Slots per NAT IP: floor(64512 / ppn) (2048 → 31, 1024 → 63, 4096 → 15; > 64512 → 0, which the
 * NATGateway validation refuses).
 */
export function slotsPerIP(portsPerNetworkInterface: number): number {
  checkPortsPerNIC(portsPerNetworkInterface);
  return Math.floor(natUsablePorts / portsPerNetworkInterface);
}

/** The port range of slot `slot` (0-based). */
export function slotPortRange(slot: number, portsPerNetworkInterface: number): PortRange {
  const slots = slotsPerIP(portsPerNetworkInterface);
  if (!Number.isInteger(slot) || slot < 0 || slot >= slots) {
    throw new RangeError(
      `slot ${slot} is outside [0, ${slots}) for ${portsPerNetworkInterface} ports per NIC`,
    );
  }
  const port = natFirstPort + slot * portsPerNetworkInterface;
  return { port, endPort: port + portsPerNetworkInterface - 1 };
}

/**
 * The slot a recorded section occupies, or undefined if it is not exactly one aligned slot:
 * only aligned sections are honoured when a NATTable is re-read (upstream), so a table written
 * with another portsPerNetworkInterface is re-allocated rather than trusted.
 */
export function slotOfRange(range: PortRange, portsPerNetworkInterface: number): number | undefined {
  const slots = slotsPerIP(portsPerNetworkInterface);
  const offset = range.port - natFirstPort;
  if (!Number.isInteger(offset) || offset < 0 || offset % portsPerNetworkInterface !== 0) return undefined;
  const slot = offset / portsPerNetworkInterface;
  if (slot >= slots) return undefined;
  if (range.endPort !== range.port + portsPerNetworkInterface - 1) return undefined;
  return slot;
}

export function isSlotAligned(range: PortRange, portsPerNetworkInterface: number): boolean {
  return slotOfRange(range, portsPerNetworkInterface) !== undefined;
}

/** The lowest slot not in `used`, or undefined when every slot of the IP is taken. */
export function lowestFreeSlot(
  used: ReadonlySet<number>,
  portsPerNetworkInterface: number,
): number | undefined {
  const slots = slotsPerIP(portsPerNetworkInterface);
  for (let slot = 0; slot < slots; slot++) if (!used.has(slot)) return slot;
  return undefined;
}
