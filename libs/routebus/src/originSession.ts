import { randomBytes } from "node:crypto";

/**
 * One incarnation of an announcing process. The origin id is stable across restarts (the node name);
 * the session id is new per start, so routes stored by a previous incarnation can be told apart and
 * purged as soon as the new one heart-beats.
 */
export interface OriginSession {
  origin: string;
  session: string;
  /** Wall-clock start (ms); a heartbeat from an older incarnation never replaces a newer one. */
  startedAt: number;
  keepaliveMs: number;
}

/** What an origin writes to the sessions bucket every keepalive interval. */
export interface Heartbeat {
  session: string;
  startedAt: number;
  keepaliveMs: number;
}

export function startSession(origin: string, keepaliveMs: number, now: number = Date.now()): OriginSession {
  // Time first so ids sort by start; random suffix so two starts in one millisecond differ.
  const session = `${now.toString(36)}-${randomBytes(5).toString("hex")}`;
  return { origin, session, startedAt: now, keepaliveMs };
}

export function heartbeatOf(session: OriginSession): Heartbeat {
  return { session: session.session, startedAt: session.startedAt, keepaliveMs: session.keepaliveMs };
}

export function encodeHeartbeat(hb: Heartbeat): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ s: hb.session, t: hb.startedAt, k: hb.keepaliveMs }));
}

export function decodeHeartbeat(bytes: Uint8Array): Heartbeat | null {
  try {
    const raw: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof raw !== "object" || raw === null) return null;
    const { s, t, k } = raw as Record<string, unknown>;
    if (typeof s !== "string" || !/^[-A-Za-z0-9]+$/.test(s)) return null;
    if (typeof t !== "number" || typeof k !== "number" || !(k > 0)) return null;
    return { session: s, startedAt: t, keepaliveMs: k };
  } catch {
    return null;
  }
}

/** True when `candidate` is a later incarnation than `current` (ties broken by id, deterministically). */
export function isNewerSession(candidate: Heartbeat, current: Heartbeat): boolean {
  if (candidate.startedAt !== current.startedAt) return candidate.startedAt > current.startedAt;
  return candidate.session > current.session;
}

/** The start time encoded in a session id (ms), or undefined for ids this library did not make. */
export function sessionStartedAt(session: string): number | undefined {
  const head = session.split("-")[0] ?? "";
  if (!/^[0-9a-z]+$/.test(head)) return undefined;
  const ms = Number.parseInt(head, 36);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
