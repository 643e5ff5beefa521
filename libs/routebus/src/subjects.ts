/**
 * Storage layout on JetStream (and mirrored by the in-memory hub). Two KV buckets per namespace:
 *
 *   <ns>-routes    key  <vni>.<origin>.<session>.<route token>   value: codec.ts payload
 *                  one key per announced route and announcing session; a withdrawal deletes the key.
 *                  A subscriber to VNI v watches "<v>.>": the last value per key is the full table,
 *                  later messages are the live updates.
 *   <ns>-sessions  key  <origin>                                   value: heartbeat (originSession.ts)
 *                  rewritten every keepalive interval; the current session of each origin.
 *
 * KV keys allow [-/_=.A-Za-z0-9] with "." separating tokens, so origin ids are escaped (encodeOrigin).
 */

export interface BusNames {
  routesBucket: string;
  sessionsBucket: string;
}

export const defaultNamespace = "routebus";

const namespacePattern = /^[-_A-Za-z0-9]+$/;

export function busNames(namespace: string = defaultNamespace): BusNames {
  if (!namespacePattern.test(namespace)) {
    throw new Error(`route bus namespace ${JSON.stringify(namespace)} must match ${namespacePattern}`);
  }
  return { routesBucket: `${namespace}-routes`, sessionsBucket: `${namespace}-sessions` };
}

const plain = /[A-Za-z0-9-]/;

/**
 * Origin ids are usually node names, which may hold dots; escaping keeps them one key token:
 * [A-Za-z0-9-] stay, every other UTF-8 byte becomes "_xx" (hex). Reversible and deterministic.
 */
export function encodeOrigin(origin: string): string {
  let out = "";
  for (const ch of origin) {
    if (plain.test(ch)) {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, "utf8")) out += `_${byte.toString(16).padStart(2, "0")}`;
    }
  }
  return out;
}

/** Origins are few and repeat on every received route: remember decoded tokens. */
const decodedOrigins = new Map<string, string | null>();

export function decodeOrigin(token: string): string | null {
  const known = decodedOrigins.get(token);
  if (known !== undefined) return known;
  const decoded = decodeOriginToken(token);
  if (decodedOrigins.size > 10_000) decodedOrigins.clear();
  decodedOrigins.set(token, decoded);
  return decoded;
}

function decodeOriginToken(token: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    const ch = token[i] ?? "";
    if (ch === "_") {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (plain.test(ch)) {
      bytes.push(ch.charCodeAt(0));
      i++;
    } else {
      return null;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export function validateOrigin(origin: string): void {
  if (typeof origin !== "string" || origin.length === 0 || origin.length > 200) {
    throw new Error("origin must be a non-empty string of at most 200 characters");
  }
}

export interface RouteEntryKey {
  vni: number;
  origin: string;
  session: string;
  token: string;
}

export function routeEntryKey(vni: number, origin: string, session: string, token: string): string {
  return `${vni}.${encodeOrigin(origin)}.${session}.${token}`;
}

/** Parses a routes-bucket key; null for keys this protocol did not write. */
export function parseRouteEntryKey(key: string): RouteEntryKey | null {
  const parts = key.split(".");
  if (parts.length !== 4) return null;
  const [vniText, originToken, session, token] = parts as [string, string, string, string];
  if (!/^\d{1,8}$/.test(vniText) || !session || !token) return null;
  const origin = decodeOrigin(originToken);
  if (origin === null || origin === "") return null;
  return { vni: Number(vniText), origin, session, token };
}

/** Watch filter for one VNI's routes. */
export function vniFilter(vni: number): string {
  return `${vni}.>`;
}

/** Watch filter for every VNI (the reflector). */
export const allRoutesFilter = ">";

/** Every route key an origin holds, in any VNI and session. */
export function originFilter(origin: string): string {
  return `*.${encodeOrigin(origin)}.>`;
}

/** Every route key of one session of an origin. */
export function sessionRoutesFilter(origin: string, session: string): string {
  return `*.${encodeOrigin(origin)}.${session}.*`;
}

export function sessionKey(origin: string): string {
  return encodeOrigin(origin);
}

export function originOfSessionKey(key: string): string | null {
  return decodeOrigin(key);
}
