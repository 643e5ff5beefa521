import { parseIpv6 } from "@ironcore-ts/packet";
import type { DataplaneState } from "../state/dataplaneState.js";
import { Limits, MAX_VNI } from "../state/limits.js";
import { invalidArgument } from "./requestErrors.js";
import { strictBytesText } from "./wireText.js";

/** An id (interface, load balancer, rule): 1..63 bytes of text, else `Invalid <field>`. */
export function readId(bytes: Uint8Array, field: string): string {
  const text = strictBytesText(bytes);
  if (text === undefined || bytes.length === 0 || bytes.length > Limits.idLength)
    invalidArgument(`Invalid ${field}`);
  return text;
}

const INTERFACE_ID = /^[A-Za-z0-9_-]+$/;

/** A new interface's id: also restricted to DPDK's characters plus '-' (for UUIDs). */
export function readNewInterfaceId(bytes: Uint8Array): string {
  const id = readId(bytes, "interface_id");
  if (!INTERFACE_ID.test(id)) invalidArgument("Invalid interface_id");
  return id;
}

export function readVni(vni: number, field = "vni"): number {
  if (vni > MAX_VNI) invalidArgument(`Invalid ${field}`);
  return vni;
}

/** A NAT port range [min, max): both ports ≤ 65535 and min < max. */
export function readPortRange(minPort: number, maxPort: number): { minPort: number; maxPort: number } {
  if (minPort > 0xffff) invalidArgument("Invalid min_port");
  if (maxPort > 0xffff) invalidArgument("Invalid max_port");
  if (minPort >= maxPort) invalidArgument("Invalid port range");
  return { minPort, maxPort };
}

/**
 * preferred_underlay_route: empty (or "::") lets the service generate one; otherwise it must lie
 * in this node's /64 and carry the "externally generated" flag.
 */
export function readPreferredUnderlay(state: DataplaneState, bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === 0) return undefined;
  const text = strictBytesText(bytes);
  const addr = text !== undefined ? parseIpv6(text) : undefined;
  if (addr?.every((b) => b === 0)) return undefined;
  if (!addr || !state.underlayGenerator.acceptsPreferred(addr))
    invalidArgument("Invalid preferred_underlay_route");
  return addr;
}
