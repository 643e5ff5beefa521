/**
 * MAC addresses are 6-byte Uint8Arrays. Frame accessors return views into the frame (no copy),
 * so copy with `.slice()` before keeping one beyond the frame's lifetime.
 */
export type MacAddress = Uint8Array;

export const MAC_LENGTH = 6;

// Typed arrays with elements cannot be frozen; treat these as read-only.
export const BROADCAST_MAC: MacAddress = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const ZERO_MAC: MacAddress = new Uint8Array(6);

const MAC_TEXT = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** Parses `aa:bb:cc:dd:ee:ff` (either case); undefined if malformed. */
export function parseMac(text: string): MacAddress | undefined {
  if (!MAC_TEXT.test(text)) return undefined;
  const out = new Uint8Array(MAC_LENGTH);
  for (let i = 0; i < MAC_LENGTH; i++) out[i] = Number.parseInt(text.slice(i * 3, i * 3 + 2), 16);
  return out;
}

/** Formats as lowercase colon-separated hex, the form the dpservice API uses. */
export function formatMac(mac: MacAddress): string {
  let s = "";
  for (let i = 0; i < MAC_LENGTH; i++) {
    if (i > 0) s += ":";
    s += (mac[i] ?? 0).toString(16).padStart(2, "0");
  }
  return s;
}

export function macEqual(a: MacAddress, b: MacAddress): boolean {
  for (let i = 0; i < MAC_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Group bit (I/G) set: broadcast or multicast destination. */
export function isMulticastMac(mac: MacAddress): boolean {
  return ((mac[0] ?? 0) & 1) === 1;
}
