import { Announcer } from "./announcer.js";
import { decodeRoute } from "./codec.js";
import { type Deferred, deferred } from "./deferred.js";
import { Heartbeat } from "./heartbeat.js";
import { OriginLiveness, type OriginStatus, type SessionDownReason } from "./liveness.js";
import { defaultLogger, type Logger } from "./logger.js";
import { MissingKeyCheck } from "./missingKeyCheck.js";
import { encodeHeartbeat, heartbeatOf, type OriginSession, startSession } from "./originSession.js";
import { providerId, ReceivedEntries, type ReceivedEntry } from "./receivedEntries.js";
import { assertVni, compareRoutes, keyOfNormalized, normalizeRoute, type Route } from "./route.js";
import {
  defaultKeepaliveMs,
  defaultMissedKeepalives,
  type RouteBusClient,
  type RouteBusOptions,
  type RouteCallback,
} from "./routeBus.js";
import type { ConnectionState, RouteStore, StoredEntry, StoreWatch } from "./routeStore.js";
import { RouteView } from "./routeView.js";
import { SessionTracker } from "./sessionTracker.js";
import { allRoutesFilter, parseRouteEntryKey, sessionKey, validateOrigin, vniFilter } from "./subjects.js";

type Lifecycle = "idle" | "connecting" | "open" | "closing" | "closed";

interface Subscription {
  filter: string;
  vni: number | "all";
  watch?: StoreWatch;
  /** Keys seen in the snapshot being received; null between snapshots. */
  seen: Set<string> | null;
  synced: Deferred<void>;
}

export type SessionDownListener = (origin: string, session: string, reason: SessionDownReason) => void;

export interface RouteBusStats {
  state: Lifecycle;
  connected: boolean;
  /** Distinct routes visible (what `routes()` returns). */
  routes: number;
  /** Stored announcements known for subscribed VNIs, from any session (live or not). */
  receivedEntries: number;
  ownAnnouncements: number;
  liveOrigins: number;
  knownOrigins: number;
  subscriptions: number;
}

/** What the reaper of a RouteReflector needs from the bus it reads (see reaper.ts). */
export interface ReapSource {
  readonly store: RouteStore;
  readonly keepaliveMs: number;
  readonly missedKeepalives: number;
  readonly origin: string;
  ready(): boolean;
  entriesOf(origin: string, session: string): ReceivedEntry[];
  allEntries(): ReceivedEntry[];
  originStatus(origin: string): OriginStatus | undefined;
  origins(): OriginStatus[];
  onSessionDown(listener: SessionDownListener): () => void;
}

/**
 * The route bus client protocol, written once over a RouteStore (NATS JetStream or the in-process
 * hub). See README.md for how each metalbond property is met; in short:
 *
 * - storage holds one key per (VNI, origin, session, route); a subscription is a watch of the VNI's
 *   keys starting with a snapshot (full table), and a re-snapshot after every reconnect;
 * - every client heart-beats its session and judges every other origin's liveness itself;
 * - a received route is installed while some live session announces it (RouteView).
 */
export class StoreRouteBus implements RouteBusClient {
  readonly origin: string;
  readonly keepaliveMs: number;
  readonly missedKeepalives: number;
  protected readonly store: RouteStore;
  protected readonly log: Logger;
  private readonly session: OriginSession;
  private readonly liveness: OriginLiveness;
  private readonly heartbeat: Heartbeat;
  private readonly sessions: SessionTracker;
  private readonly received = new ReceivedEntries();
  private readonly routeCheck: MissingKeyCheck;
  private readonly view: RouteView;
  private readonly announcer: Announcer;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Per-VNI subscriptions by VNI, for the per-entry check. */
  private readonly subscriptionOf = new Map<number, Subscription>();
  private readonly downListeners = new Set<SessionDownListener>();
  private sessionsWatch: StoreWatch | undefined;
  private lifecycle: Lifecycle = "idle";
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private resyncRetry: NodeJS.Timeout | undefined;
  /** A newer process runs under our origin id: we stop writing rather than fight it. */
  private superseded = false;

  constructor(store: RouteStore, options: RouteBusOptions) {
    validateOrigin(options.origin);
    this.origin = options.origin;
    this.keepaliveMs = options.keepaliveMs ?? defaultKeepaliveMs;
    this.missedKeepalives = options.missedKeepalives ?? defaultMissedKeepalives;
    if (!(this.keepaliveMs >= 10)) throw new Error("keepaliveMs must be at least 10");
    if (!(this.missedKeepalives >= 1.5)) throw new Error("missedKeepalives must be at least 1.5");
    this.store = store;
    this.log = (options.logger ?? defaultLogger()).child({ origin: this.origin });
    this.session = startSession(this.origin, this.keepaliveMs);
    const active = () => this.lifecycle === "open" || this.lifecycle === "connecting";
    this.heartbeat = new Heartbeat(
      store,
      sessionKey(this.origin),
      encodeHeartbeat(heartbeatOf(this.session)),
      this.keepaliveMs,
      () => this.lifecycle === "open" && !this.superseded,
      this.log,
    );
    this.view = new RouteView((err) => this.log.error({ err }, "route callback failed"));
    this.announcer = new Announcer(store, this.session);
    this.liveness = new OriginLiveness(
      {
        up: (origin, session) => this.sessionUp(origin, session),
        down: (origin, session, reason) => this.sessionDown(origin, session, reason),
      },
      this.missedKeepalives,
    );
    this.sessions = new SessionTracker(
      this.session,
      this.liveness,
      store,
      {
        ownSessionMissing: () => this.ownSessionMissing(),
        superseded: (newer) => this.onSuperseded(newer.session),
      },
      active,
      this.log,
    );
    this.routeCheck = new MissingKeyCheck(store, "routes", (e) => this.onRouteEntry(e), active, this.log);
  }

  /** This process's session id (new per start). */
  get sessionId(): string {
    return this.session.session;
  }

  get connected(): boolean {
    return this.lifecycle === "open" && this.store.state === "connected";
  }

  connect(): Promise<void> {
    if (this.lifecycle === "closing" || this.lifecycle === "closed") {
      return Promise.reject(new Error("route bus client is closed"));
    }
    this.connecting ??= this.doConnect();
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    this.lifecycle = "connecting";
    try {
      this.store.onStateChange((state) => this.onStoreState(state));
      await this.store.open();
      this.sessions.clockOffsetMs = await this.heartbeat.first();
      const purged = await this.announcer.purgePreviousSessions();
      if (purged > 0) this.log.info({ purged }, "purged routes of a previous session of this origin");
      this.sessionsWatch = this.store.watch("sessions", ">", this.sessions.sink());
      await this.sessions.firstSync.promise;
      this.heartbeat.start();
      // Fine-grained, so that an origin is declared dead well inside 3 intervals of its crash.
      const tickMs = Math.max(20, Math.min(100, this.keepaliveMs / 10));
      this.tickTimer = setInterval(() => this.liveness.tick(Date.now()), tickMs);
      this.tickTimer.unref();
      this.lifecycle = "open";
      this.announcer.setWritable(true);
      this.requestResync();
      for (const sub of this.subscriptions.values()) this.startWatch(sub);
      await Promise.all([...this.subscriptions.values()].map((s) => s.synced.promise));
    } catch (err) {
      await this.shutDown(false);
      throw err;
    }
  }

  subscribe(vni: number): Promise<void> {
    return settle(() => {
      assertVni(vni);
      return this.addSubscription(vniFilter(vni), vni);
    });
  }

  /** Subscribes to every VNI (the reflector's view). */
  subscribeAll(): Promise<void> {
    return settle(() => this.addSubscription(allRoutesFilter, "all"));
  }

  private addSubscription(filter: string, vni: number | "all"): Promise<void> {
    this.assertUsable();
    const existing = this.subscriptions.get(filter);
    if (existing) return existing.synced.promise;
    const sub: Subscription = { filter, vni, seen: null, synced: deferred() };
    this.subscriptions.set(filter, sub);
    if (vni !== "all") this.subscriptionOf.set(vni, sub);
    if (this.lifecycle === "open") this.startWatch(sub);
    return sub.synced.promise;
  }

  async unsubscribe(vni: number): Promise<void> {
    assertVni(vni);
    const sub = this.subscriptions.get(vniFilter(vni));
    if (!sub) return;
    this.subscriptions.delete(sub.filter);
    this.subscriptionOf.delete(vni);
    sub.watch?.stop();
    if (!sub.synced.settled) sub.synced.resolve();
    if (this.subscriptions.has(allRoutesFilter)) return;
    for (const entry of this.received.ofVni(vni)) this.removeEntry(entry.key);
  }

  announce(route: Route): Promise<void> {
    return settle(() => {
      this.assertUsable();
      const normalized = normalizeRoute(route);
      const key = keyOfNormalized(normalized);
      const { added, done } = this.announcer.announce(key, normalized);
      if (added) this.view.setOwn(key, normalized, true);
      return done;
    });
  }

  withdraw(route: Route): Promise<void> {
    return settle(() => {
      this.assertUsable();
      const key = keyOfNormalized(normalizeRoute(route));
      const { removed, done } = this.announcer.withdraw(key);
      if (removed) this.view.setOwn(key, removed, false);
      return done;
    });
  }

  onAdd(callback: RouteCallback): () => void {
    return this.view.onAdd(callback);
  }

  onRemove(callback: RouteCallback): () => void {
    return this.view.onRemove(callback);
  }

  routes(vni?: number): Route[] {
    return this.view.sortedRoutes(vni);
  }

  /** VNIs with at least one installed route. */
  vnis(): number[] {
    return this.view.vnis();
  }

  /** This client's own announcements. */
  announcements(): Route[] {
    return this.announcer.routes().sort(compareRoutes);
  }

  /** Liveness of every origin this client has heard of. */
  origins(): OriginStatus[] {
    return this.liveness.all().sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
  }

  stats(): RouteBusStats {
    const origins = this.liveness.all();
    return {
      state: this.lifecycle,
      connected: this.connected,
      routes: this.view.size,
      receivedEntries: this.received.size,
      ownAnnouncements: this.announcer.size,
      liveOrigins: origins.filter((o) => o.live).length,
      knownOrigins: origins.length,
      subscriptions: this.subscriptions.size,
    };
  }

  /** For RouteReflector's reaper only: read access to entries and liveness, and the store. */
  reapSource(): ReapSource {
    return {
      store: this.store,
      keepaliveMs: this.keepaliveMs,
      missedKeepalives: this.missedKeepalives,
      origin: this.origin,
      ready: () => this.connected && !this.liveness.paused && this.allSubscriptionsSynced(),
      entriesOf: (origin, session) => this.received.ofSession(origin, session),
      allEntries: () => [...this.received.all()],
      originStatus: (origin) => this.liveness.get(origin),
      origins: () => this.liveness.all(),
      onSessionDown: (listener) => {
        this.downListeners.add(listener);
        return () => this.downListeners.delete(listener);
      },
    };
  }

  async close(): Promise<void> {
    if (this.lifecycle === "closed") return;
    this.closing ??= this.shutDown(true);
    return this.closing;
  }

  private async shutDown(withdraw: boolean): Promise<void> {
    const wasOpen = this.lifecycle === "open";
    this.lifecycle = "closing";
    this.stopActivity();
    if (withdraw && wasOpen && this.store.state === "connected" && !this.superseded) {
      // Session key first: every subscriber drops all our routes at once, before the per-key deletes.
      await this.heartbeat.remove().catch((err: unknown) => {
        this.log.debug({ err }, "could not remove session on close");
      });
      await this.announcer.withdrawAll().catch((err: unknown) => {
        this.log.warn({ err }, "could not delete all routes on close; reapers will");
      });
    }
    await this.store.close().catch((err: unknown) => this.log.debug({ err }, "store close failed"));
    this.lifecycle = "closed";
    const closed = new Error("route bus client is closed");
    this.announcer.abandon(closed);
    if (!this.sessions.firstSync.settled) this.sessions.firstSync.reject(closed);
    for (const sub of this.subscriptions.values()) if (!sub.synced.settled) sub.synced.reject(closed);
  }

  private stopActivity(): void {
    this.heartbeat.stop();
    clearInterval(this.tickTimer);
    clearTimeout(this.resyncRetry);
    this.sessionsWatch?.stop();
    for (const sub of this.subscriptions.values()) sub.watch?.stop();
  }

  private assertUsable(): void {
    if (this.lifecycle === "closing" || this.lifecycle === "closed") {
      throw new Error("route bus client is closed");
    }
    if (this.superseded) throw supersededError(this.origin);
  }

  private allSubscriptionsSynced(): boolean {
    for (const sub of this.subscriptions.values()) if (sub.seen !== null || !sub.synced.settled) return false;
    return !this.sessions.snapshotting && this.sessions.firstSync.settled;
  }

  // --- connection state, heartbeats, re-sync ------------------------------------------------------

  private onStoreState(state: ConnectionState): void {
    if (this.lifecycle === "closing" || this.lifecycle === "closed") return;
    const now = Date.now();
    if (state === "disconnected") {
      this.log.warn("disconnected from the route bus; keeping installed routes until re-sync");
      this.liveness.pause(now);
      this.announcer.setWritable(false);
    } else if (state === "connected") {
      this.log.info("reconnected to the route bus; re-syncing");
      this.liveness.resume(now);
      if (this.lifecycle === "open" && !this.superseded) {
        this.announcer.setWritable(true);
        void this.heartbeat.beat();
        this.requestResync();
      }
    } else {
      // Closed under us (connection closed by its owner, or a crash in a test): no withdrawal is
      // possible, so our routes expire at the subscribers after the keepalive timeout.
      this.log.warn("route bus connection closed; this origin's routes will expire at subscribers");
      this.lifecycle = "closing";
      this.closing ??= this.shutDown(false);
    }
  }

  /** Rewrites our announcements to storage; one run at a time, retried while it fails. */
  private requestResync(): void {
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = (async () => {
      do {
        this.resyncAgain = false;
        if (this.lifecycle !== "open" || this.store.state !== "connected" || this.superseded) break;
        try {
          await this.announcer.resync();
        } catch (err) {
          this.log.warn({ err }, "re-announcing own routes failed; retrying");
          clearTimeout(this.resyncRetry);
          this.resyncRetry = setTimeout(() => this.requestResync(), this.keepaliveMs);
          this.resyncRetry.unref();
          break;
        }
      } while (this.resyncAgain);
    })().finally(() => {
      this.resyncing = undefined;
    });
  }

  // --- sessions ---------------------------------------------------------------------------------

  private onSuperseded(newer: string): void {
    if (this.superseded) return;
    this.superseded = true;
    this.announcer.setWritable(false);
    this.announcer.abandon(supersededError(this.origin));
    this.log.error(
      { newer },
      "a newer process announces under this origin id; this one stops heart-beating and writing",
    );
  }

  /** Our session key vanished (a reaper judged us dead, or storage was lost): heartbeat and re-announce. */
  private ownSessionMissing(): void {
    if (this.lifecycle !== "open" || this.superseded) return;
    this.log.warn("own session missing from the bus; re-announcing");
    void this.heartbeat.beat();
    this.requestResync();
  }

  private sessionUp(origin: string, session: string): void {
    const provider = providerId(origin, session);
    for (const entry of this.received.ofSession(origin, session))
      this.view.provide(entry.routeKey, entry.route, provider);
  }

  private sessionDown(origin: string, session: string, reason: SessionDownReason): void {
    this.log.info({ peer: origin, session, reason }, "origin session down; withdrawing its routes");
    const provider = providerId(origin, session);
    for (const entry of this.received.ofSession(origin, session))
      this.view.unprovide(entry.routeKey, provider);
    for (const listener of this.downListeners) listener(origin, session, reason);
  }

  // --- routes bucket ------------------------------------------------------------------------------

  private startWatch(sub: Subscription): void {
    sub.watch = this.store.watch("routes", sub.filter, {
      reset: () => {
        sub.seen = new Set();
      },
      entry: (e) => {
        sub.seen?.add(e.key);
        this.onRouteEntry(e);
      },
      synced: () => {
        const seen = sub.seen;
        sub.seen = null;
        if (seen) {
          // Whatever the new snapshot lacks was probably deleted while we were not watching.
          const known = sub.vni === "all" ? [...this.received.all()] : this.received.ofVni(sub.vni);
          this.routeCheck.check(known.filter((entry) => !seen.has(entry.key)).map((entry) => entry.key));
        }
        if (!sub.synced.settled) sub.synced.resolve();
      },
    });
  }

  private accepts(vni: number): boolean {
    const sub = this.subscriptionOf.get(vni);
    return sub !== undefined || this.subscriptions.has(allRoutesFilter);
  }

  private onRouteEntry(e: StoredEntry): void {
    this.routeCheck.seen(e.key);
    const parsed = parseRouteEntryKey(e.key);
    // Our own announcements (this or an earlier session) are never received: no reflection.
    if (!parsed || parsed.origin === this.origin || !this.accepts(parsed.vni)) return;
    if (e.value === null) {
      this.removeEntry(e.key);
      return;
    }
    const existing = this.received.get(e.key);
    if (existing) {
      // A replay (re-announce after a reconnect, or a re-snapshot): already known, nothing to emit.
      existing.revision = e.revision;
      return;
    }
    let route: Route;
    try {
      route = decodeRoute(e.value);
    } catch (err) {
      this.log.warn({ err, key: e.key }, "ignoring undecodable route");
      return;
    }
    if (route.vni !== parsed.vni) {
      this.log.warn({ key: e.key }, "ignoring route stored under another VNI");
      return;
    }
    const entry: ReceivedEntry = {
      key: e.key,
      vni: parsed.vni,
      origin: parsed.origin,
      session: parsed.session,
      route,
      routeKey: keyOfNormalized(route),
      revision: e.revision,
      firstSeenMs: Date.now(),
    };
    this.received.add(entry);
    // Entries of sessions not (yet) known live wait here until their heartbeat arrives.
    if (this.liveness.isLive(entry.origin, entry.session)) {
      this.view.provide(entry.routeKey, route, providerId(entry.origin, entry.session));
    }
  }

  private removeEntry(key: string): void {
    const entry = this.received.remove(key);
    if (entry) this.view.unprovide(entry.routeKey, providerId(entry.origin, entry.session));
  }
}

function supersededError(origin: string): Error {
  return new Error(
    `a newer process announces as origin ${JSON.stringify(origin)}; this client no longer writes`,
  );
}

/** Runs `fn`, turning a synchronous throw (bad input, closed client) into a rejected promise. */
function settle(fn: () => Promise<void>): Promise<void> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}
