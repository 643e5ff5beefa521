import { type Heartbeat, isNewerSession } from "./originSession.js";

export type SessionDownReason =
  /** No heartbeat for `missedKeepalives` of the origin's own intervals. */
  | "expired"
  /** The origin restarted: a newer session heart-beats under the same origin id. */
  | "superseded"
  /** The origin removed its session (clean close), or a reaper removed it. */
  | "closed";

export interface OriginStatus {
  origin: string;
  session: string;
  startedAt: number;
  keepaliveMs: number;
  live: boolean;
  /** Local time (ms) of the latest heartbeat, shifted by periods this client itself was disconnected. */
  lastHeardMs: number;
  /** Storage revision of the latest heartbeat, for a conditional delete of a dead session. */
  revision: number;
}

export interface LivenessEvents {
  up(origin: string, session: string): void;
  down(origin: string, session: string, reason: SessionDownReason): void;
}

/**
 * Which origin session is alive, judged by each subscriber on its own from the heartbeats it reads:
 * no central component has to be up for dead origins' routes to disappear. An origin is dead after
 * `missedKeepalives` of its declared intervals without a heartbeat.
 *
 * While this client is disconnected from the bus it hears nothing from anyone, which says nothing
 * about the others; `pause`/`resume` take that period out of every origin's silence, so a bus outage
 * does not withdraw the whole table (metalbond would, on losing its server session).
 */
export class OriginLiveness {
  private readonly records = new Map<string, OriginStatus>();
  private pausedAt: number | null = null;

  constructor(
    private readonly events: LivenessEvents,
    private readonly missedKeepalives = 3,
  ) {}

  /** A heartbeat read from the sessions bucket, `heardAtMs` on the local clock. */
  heartbeat(origin: string, hb: Heartbeat, heardAtMs: number, revision: number, nowMs: number): void {
    let record = this.records.get(origin);
    if (record && record.session !== hb.session) {
      // A late heartbeat of an older incarnation never displaces the newer one.
      if (!isNewerSession(hb, record)) return;
      this.records.delete(origin);
      if (record.live) this.events.down(origin, record.session, "superseded");
      record = undefined;
    }
    const heard = Math.min(heardAtMs, nowMs);
    if (!record) {
      record = { origin, ...hb, live: false, lastHeardMs: heard, revision };
      this.records.set(origin, record);
    } else {
      record.lastHeardMs = Math.max(record.lastHeardMs, heard);
      record.keepaliveMs = hb.keepaliveMs;
      record.revision = revision;
    }
    if (!record.live && this.fresh(record, nowMs)) {
      record.live = true;
      this.events.up(origin, record.session);
    }
  }

  /** The origin's session key is gone. The record stays, so an older incarnation cannot come back. */
  gone(origin: string): void {
    const record = this.records.get(origin);
    if (!record?.live) return;
    record.live = false;
    this.events.down(origin, record.session, "closed");
  }

  /** Expires silent origins; call periodically. */
  tick(nowMs: number): void {
    if (this.pausedAt !== null) return;
    for (const record of this.records.values()) {
      if (record.live && !this.fresh(record, nowMs)) {
        record.live = false;
        this.events.down(record.origin, record.session, "expired");
      }
    }
  }

  pause(nowMs: number): void {
    this.pausedAt ??= nowMs;
  }

  resume(nowMs: number): void {
    if (this.pausedAt === null) return;
    const away = nowMs - this.pausedAt;
    for (const record of this.records.values()) {
      if (record.lastHeardMs <= this.pausedAt) record.lastHeardMs += away;
    }
    this.pausedAt = null;
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  isLive(origin: string, session: string): boolean {
    const record = this.records.get(origin);
    return record?.live === true && record.session === session;
  }

  get(origin: string): OriginStatus | undefined {
    return this.records.get(origin);
  }

  all(): OriginStatus[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  private fresh(record: OriginStatus, nowMs: number): boolean {
    return nowMs - record.lastHeardMs < this.missedKeepalives * record.keepaliveMs;
  }
}
