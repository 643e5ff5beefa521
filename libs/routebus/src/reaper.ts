import type { Logger } from "./logger.js";
import { sessionStartedAt } from "./originSession.js";
import type { ReceivedEntry } from "./receivedEntries.js";
import type { ReapSource } from "./storeRouteBus.js";
import { sessionKey } from "./subjects.js";

export interface ReaperOptions {
  /** How often stored entries are checked against liveness; default missedKeepalives x keepalive. */
  sweepIntervalMs?: number;
  /** How often old deletion markers are dropped from storage; default 5 min. */
  compactIntervalMs?: number;
  /** Deletion markers younger than this stay (late watchers still see the delete); default 60 s. */
  compactOlderThanMs?: number;
  /** How long the bus must have been connected and synced before reaping; default 2 x the dead time. */
  startupGraceMs?: number;
  log: Logger;
}

export interface ReaperStats {
  reapedEntries: number;
  reapedSessions: number;
  compactedMarkers: number;
}

const deleteWindow = 256;

/**
 * Removes dead origins' announcements from storage so the stored table does not grow with every
 * crashed session. Subscribers never need this for correctness (they ignore dead sessions on their
 * own); it keeps storage, snapshots and late joiners lean.
 *
 * Every delete is conditional on the revision this reaper saw, so an origin that comes back and
 * re-announces (a new revision) always wins the race; and an origin that finds its own session key
 * deleted re-announces everything (storeRouteBus.ts).
 */
export class Reaper {
  private readonly stats: ReaperStats = { reapedEntries: 0, reapedSessions: 0, compactedMarkers: 0 };
  private readonly deleting = new Set<string>();
  /** Session keys already reaped at a revision, so dead records are not retried every sweep. */
  private readonly sessionsTried = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  /** Since when the source has been ready without interruption (null: not ready). */
  private readySince: number | null = null;
  private readonly graceMs: number;

  constructor(
    private readonly source: ReapSource,
    private readonly options: ReaperOptions,
  ) {
    // Long enough for a restarted bus to see every live origin heart-beat again before judging.
    this.graceMs = options.startupGraceMs ?? 2 * source.missedKeepalives * source.keepaliveMs;
  }

  start(): void {
    this.unsubscribe = this.source.onSessionDown((origin, session, reason) => {
      if (!this.settled(Date.now())) return; // the next sweep catches up
      if (reason === "expired") void this.reapSession(origin);
      void this.reapEntries(this.source.entriesOf(origin, session));
    });
    const sweepMs = this.options.sweepIntervalMs ?? this.source.missedKeepalives * this.source.keepaliveMs;
    this.timers.push(setInterval(() => void this.sweep(Date.now()), sweepMs));
    this.timers.push(setInterval(() => void this.compact(), this.options.compactIntervalMs ?? 300_000));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  counts(): ReaperStats {
    return { ...this.stats };
  }

  /** One pass over everything stored: reaps entries of sessions that are not live. Exposed for tests. */
  async sweep(now: number): Promise<void> {
    if (!this.settled(now)) return;
    const doomed: ReceivedEntry[] = [];
    for (const entry of this.source.allEntries()) {
      const status = this.source.originStatus(entry.origin);
      if (status?.live && status.session === entry.session) continue;
      const young = now - entry.firstSeenMs < this.graceMs;
      if (!status) {
        // No session key for this origin at all: it died and its key is gone. Its routes may also
        // just be ahead of a brand-new origin's first heartbeat, hence the grace period.
        if (!young) doomed.push(entry);
      } else if (status.session !== entry.session) {
        const started = sessionStartedAt(entry.session);
        const newer = started !== undefined && started > status.startedAt;
        if (!(newer && young)) doomed.push(entry);
      } else {
        doomed.push(entry);
      }
    }
    for (const status of this.source.origins()) {
      if (!status.live && now - status.lastHeardMs >= status.keepaliveMs * this.source.missedKeepalives) {
        await this.reapSession(status.origin);
      }
    }
    await this.reapEntries(doomed);
  }

  private settled(now: number): boolean {
    if (!this.source.ready()) {
      this.readySince = null;
      return false;
    }
    this.readySince ??= now;
    return now - this.readySince >= this.graceMs;
  }

  private async reapSession(origin: string): Promise<void> {
    const status = this.source.originStatus(origin);
    if (!status || status.live || this.sessionsTried.get(origin) === status.revision) return;
    this.sessionsTried.set(origin, status.revision);
    try {
      if (await this.source.store.delete("sessions", sessionKey(origin), status.revision)) {
        this.stats.reapedSessions++;
        this.options.log.info({ peer: origin, session: status.session }, "reaped dead session");
      }
    } catch (err) {
      this.sessionsTried.delete(origin);
      this.options.log.debug({ err, peer: origin }, "reaping a session failed");
    }
  }

  private async reapEntries(entries: ReceivedEntry[]): Promise<void> {
    const todo = entries.filter((e) => !this.deleting.has(e.key));
    for (let i = 0; i < todo.length; i += deleteWindow) {
      await Promise.allSettled(
        todo.slice(i, i + deleteWindow).map(async (entry) => {
          this.deleting.add(entry.key);
          try {
            if (await this.source.store.delete("routes", entry.key, entry.revision))
              this.stats.reapedEntries++;
          } catch (err) {
            this.options.log.debug({ err, key: entry.key }, "reaping a route failed");
          } finally {
            this.deleting.delete(entry.key);
          }
        }),
      );
    }
  }

  private async compact(): Promise<void> {
    if (!this.source.ready()) return;
    try {
      this.stats.compactedMarkers += await this.source.store.compact(
        this.options.compactOlderThanMs ?? 60_000,
      );
    } catch (err) {
      this.options.log.debug({ err }, "compacting deletion markers failed");
    }
  }
}
