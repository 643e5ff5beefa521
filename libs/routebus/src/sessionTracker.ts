import { type Deferred, deferred } from "./deferred.js";
import type { OriginLiveness } from "./liveness.js";
import type { Logger } from "./logger.js";
import { MissingKeyCheck } from "./missingKeyCheck.js";
import {
  decodeHeartbeat,
  type Heartbeat,
  heartbeatOf,
  isNewerSession,
  type OriginSession,
} from "./originSession.js";
import type { RouteStore, StoredEntry, WatchSink } from "./routeStore.js";
import { originOfSessionKey, sessionKey } from "./subjects.js";

export interface SessionTrackerEvents {
  /** Our own session key is gone from storage (reaped, or storage lost): heartbeat and re-announce. */
  ownSessionMissing(): void;
  /** A newer process heart-beats under our origin id. */
  superseded(newer: Heartbeat): void;
}

/**
 * Reads the sessions bucket: other origins' heartbeats go to the liveness tracker (with storage time
 * converted to local time), our own key is watched for removal and for a newer process.
 */
export class SessionTracker {
  /** Local clock minus storage clock, measured at connect. */
  clockOffsetMs = 0;
  readonly firstSync: Deferred<void> = deferred();
  private seen: Set<string> | null = null;
  private readonly missing: MissingKeyCheck;
  private readonly ownKey: string;

  constructor(
    private readonly own: OriginSession,
    private readonly liveness: OriginLiveness,
    store: RouteStore,
    private readonly events: SessionTrackerEvents,
    active: () => boolean,
    private readonly log: Logger,
  ) {
    this.ownKey = sessionKey(own.origin);
    this.missing = new MissingKeyCheck(store, "sessions", (e) => this.onEntry(e), active, log);
  }

  /** True while a snapshot of the bucket is being received. */
  get snapshotting(): boolean {
    return this.seen !== null;
  }

  sink(): WatchSink {
    return {
      reset: () => {
        this.seen = new Set();
      },
      entry: (e) => {
        this.seen?.add(e.key);
        this.onEntry(e);
      },
      synced: () => {
        const seen = this.seen;
        this.seen = null;
        if (seen) {
          // Sessions deleted while we were not watching (e.g. reaped during a disconnect).
          const keys = this.liveness.all().map((status) => sessionKey(status.origin));
          keys.push(this.ownKey);
          this.missing.check(keys.filter((key) => !seen.has(key)));
        }
        if (!this.firstSync.settled) this.firstSync.resolve();
      },
    };
  }

  private onEntry(e: StoredEntry): void {
    this.missing.seen(e.key);
    const origin = originOfSessionKey(e.key);
    if (origin === null) return;
    if (origin === this.own.origin) {
      this.onOwnEntry(e);
      return;
    }
    if (e.value === null) {
      this.liveness.gone(origin);
      return;
    }
    const hb = decodeHeartbeat(e.value);
    if (!hb) {
      this.log.warn({ key: e.key }, "ignoring malformed heartbeat");
      return;
    }
    this.liveness.heartbeat(origin, hb, e.createdMs + this.clockOffsetMs, e.revision, Date.now());
  }

  private onOwnEntry(e: StoredEntry): void {
    if (e.value === null) {
      this.events.ownSessionMissing();
      return;
    }
    const hb = decodeHeartbeat(e.value);
    if (hb && hb.session !== this.own.session && isNewerSession(hb, heartbeatOf(this.own))) {
      this.events.superseded(hb);
    }
  }
}
