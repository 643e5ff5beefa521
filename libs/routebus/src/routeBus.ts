import type { Logger } from "./logger.js";
import type { Route } from "./route.js";

export type RouteCallback = (route: Route) => void;

/**
 * What metalnet uses: the metalbond client API over the route bus (metalbond.md §4.1, §9).
 *
 * - `subscribe(vni)` delivers the VNI's full current table (every origin) before it resolves, then
 *   live changes; only subscribed VNIs are ever delivered. Announcing needs no subscription.
 * - `announce`/`withdraw` are idempotent (a duplicate or unknown route is a no-op, not an error) and
 *   resolve once the bus has stored the change; while disconnected they resolve after the re-sync.
 * - `onAdd`/`onRemove` fire on changes of `routes()`: exactly once per route becoming installed or
 *   uninstalled, however many origins announce it (reference counting), never for this client's own
 *   announcements (no reflection), and not again for replays after a reconnect.
 * - Callbacks run synchronously in bus order; consumers doing async work per route must serialise it.
 */
export interface RouteBusClient {
  /** Stable id of this announcer (e.g. the node name); with a per-start session id. */
  readonly origin: string;
  connect(): Promise<void>;
  subscribe(vni: number): Promise<void>;
  /** Stops delivery for a VNI; its installed routes are removed, with onRemove for each. */
  unsubscribe(vni: number): Promise<void>;
  announce(route: Route): Promise<void>;
  withdraw(route: Route): Promise<void>;
  /** Returns a function that removes the callback. */
  onAdd(callback: RouteCallback): () => void;
  onRemove(callback: RouteCallback): () => void;
  /** Routes this client currently sees installed (received, live, not hidden), sorted by identity. */
  routes(vni?: number): Route[];
  /** Withdraws this client's routes and leaves the bus. */
  close(): Promise<void>;
}

export interface RouteBusOptions {
  /** Stable origin id, usually the node name. Two processes must never share one at the same time. */
  origin: string;
  /** Heartbeat interval; default 1000 ms (metalbond uses 3-5 s). */
  keepaliveMs?: number;
  /**
   * An origin is dead after this many of its intervals without a heartbeat; default 2.5 (as
   * upstream metalbond): counted from its last heartbeat, which comes at most one interval before
   * a crash, so its routes are withdrawn everywhere within 3 intervals of the crash.
   */
  missedKeepalives?: number;
  logger?: Logger;
}

export const defaultKeepaliveMs = 1000;
export const defaultMissedKeepalives = 2.5;
