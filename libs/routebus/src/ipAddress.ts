import { isIPv4, isIPv6 } from "node:net";

/**
 * IP addresses as raw bytes (4 or 16) and back to one canonical text, so that two spellings of the
 * same address ("fd00::1" and "FD00:0:0::01") give the same route identity and the same wire bytes.
 */

/** Parses IPv4 dotted or IPv6 text (no zone); null when it is not an address. */
export function parseIp(text: string): Uint8Array | null {
  if (isIPv4(text)) return parseIpv4(text);
  if (isIPv6(text) && !text.includes("%")) return parseIpv6(text);
  return null;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? "";
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** The 16-bit groups of one side of "::"; an embedded dotted IPv4 counts as two groups. */
function groupsOf(part: string): number[] | null {
  if (part === "") return [];
  const out: number[] = [];
  const tokens = part.split(":");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (i === tokens.length - 1 && token.includes(".")) {
      const v4 = parseIpv4(token);
      if (!v4) return null;
      out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(token)) return null;
      out.push(Number.parseInt(token, 16));
    }
  }
  return out;
}

/** Canonical text: dotted IPv4, or RFC 5952 IPv6 (lower case, longest zero run as "::"). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new Error(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  // Hot path (every received route): no intermediate arrays.
  const group = (i: number) => ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0);
  let mappedPrefix = group(5) === 0xffff;
  for (let i = 0; i < 5 && mappedPrefix; i++) mappedPrefix = group(i) === 0;
  // IPv4-mapped addresses keep their dotted tail, as Go's netip prints them.
  if (mappedPrefix) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (group(i) !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && group(j) === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLength - 1;
      continue;
    }
    if (out !== "" && !out.endsWith(":")) out += ":";
    out += group(i).toString(16);
  }
  return out;
}

export interface ParsedPrefix {
  address: Uint8Array;
  length: number;
}

/** Parses "address/length"; the address keeps its host bits (metalbond does not mask them either). */
export function parsePrefix(text: string): ParsedPrefix | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const address = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lengthText)) return null;
  const length = Number(lengthText);
  if (length > address.length * 8) return null;
  return { address, length };
}

export function formatPrefix(prefix: ParsedPrefix): string {
  return `${formatIp(prefix.address)}/${prefix.length}`;
}
