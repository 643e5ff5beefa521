import { encodeNormalized, routeFromToken } from "./codec.js";
import { type Deferred, deferred } from "./deferred.js";
import type { OriginSession } from "./originSession.js";
import { keyOfNormalized, type Route } from "./route.js";
import type { RouteStore } from "./routeStore.js";
import { originFilter, parseRouteEntryKey, routeEntryKey, sessionRoutesFilter } from "./subjects.js";

interface Desired {
  route: Route;
  entryKey: string;
  value: Uint8Array;
}

/** How many storage writes a bulk operation (re-sync, close, purge) keeps in flight. */
const bulkWindow = 512;

/**
 * This client's own announcements and their storage. The local set is the truth; storage follows it:
 * writes for one route are chained, so the last announce/withdraw call wins in storage and at every
 * subscriber (per-origin ordering), and after a reconnect `resync` rewrites the whole set.
 */
export class Announcer {
  private readonly desired = new Map<string, Desired>();
  /** Storage keys possibly written for a route (kept after withdraw until the delete succeeded). */
  private readonly written = new Map<string, string>();
  /** Routes whose last write failed; re-sync or a repeated announce writes them again. */
  private readonly dirty = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();
  private writable = false;
  private nextSync: Deferred<void> = deferred();
  /** Counts link losses; a re-sync covers the writes of every epoch before the one it ran in. */
  private epoch = 0;
  private syncedEpoch = -1;

  constructor(
    private readonly store: RouteStore,
    private readonly session: OriginSession,
  ) {}

  has(key: string): boolean {
    return this.desired.has(key);
  }

  routes(): Route[] {
    return [...this.desired.values()].map((d) => d.route);
  }

  get size(): number {
    return this.desired.size;
  }

  /** Whether writes go to storage now; when not, they wait for the next re-sync. */
  setWritable(writable: boolean): void {
    if (this.writable && !writable) this.epoch++;
    this.writable = writable;
  }

  /** Records an announcement. `done` settles when storage has it (or, offline, after the next re-sync). */
  announce(key: string, route: Route): { added: boolean; done: Promise<void> } {
    if (this.desired.has(key)) {
      if (this.dirty.has(key)) return { added: false, done: this.write(key) };
      return { added: false, done: this.chains.get(key) ?? Promise.resolve() };
    }
    const value = encodeNormalized(route);
    const token = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64url");
    const entryKey = routeEntryKey(route.vni, this.session.origin, this.session.session, token);
    this.desired.set(key, { route, entryKey, value });
    return { added: true, done: this.write(key) };
  }

  /** Removes an announcement; `removed` is the route when it was announced. */
  withdraw(key: string): { removed: Route | undefined; done: Promise<void> } {
    const existing = this.desired.get(key);
    if (!existing) return { removed: undefined, done: this.chains.get(key) ?? Promise.resolve() };
    this.desired.delete(key);
    return { removed: existing.route, done: this.write(key) };
  }

  /**
   * Makes storage equal to the local set: rewrites every announcement (unconditionally, so a reaper's
   * conditional delete that raced with us loses) and deletes stored keys of this session no longer
   * announced.
   */
  async resync(): Promise<void> {
    const epoch = this.epoch;
    const stored = await this.store.keys(
      "routes",
      sessionRoutesFilter(this.session.origin, this.session.session),
    );
    // Stored keys not announced (a delete that failed while offline): deleted through the route's
    // chain, which looks at the announcement state only when it runs, so a concurrent announce wins.
    const stale: string[] = [];
    for (const entryKey of stored) {
      const token = parseRouteEntryKey(entryKey)?.token;
      const key = token === undefined ? undefined : routeKeyOfToken(token);
      if (key === undefined || this.desired.has(key)) continue;
      if (!this.written.has(key)) this.written.set(key, entryKey);
      stale.push(key);
    }
    const failures = await inWindows([...this.desired.keys(), ...stale], (key) => this.chain(key));
    if (failures > 0) throw new Error(`re-sync: ${failures} writes failed`);
    this.syncedEpoch = epoch;
    const done = this.nextSync;
    this.nextSync = deferred();
    done.resolve();
  }

  /** Deletes routes stored by earlier incarnations of this origin (any VNI). */
  async purgePreviousSessions(): Promise<number> {
    const keys = (await this.store.keys("routes", originFilter(this.session.origin))).filter(
      (k) => parseRouteEntryKey(k)?.session !== this.session.session,
    );
    await inWindows(keys, (k) => this.store.delete("routes", k).then(() => {}));
    return keys.length;
  }

  /** Withdraws everything (clean close). */
  async withdrawAll(): Promise<void> {
    const keys = [...this.desired.keys()];
    this.desired.clear();
    await inWindows(keys, (key) => this.chain(key));
  }

  /** Fails whatever waits for a re-sync (the client is closing). */
  abandon(err: Error): void {
    this.nextSync.reject(err);
  }

  private write(key: string): Promise<void> {
    if (!this.writable) {
      this.dirty.add(key);
      return this.nextSync.promise;
    }
    const epoch = this.epoch;
    return this.chain(key).catch((err: unknown) => {
      // The link dropped while this write was in flight: the re-sync after the reconnect rewrites
      // the route, so the caller waits for that (or is done if it already ran) instead of failing.
      if (this.epoch === epoch && this.writable) throw err;
      if (this.syncedEpoch === this.epoch && this.writable) return;
      return this.nextSync.promise;
    });
  }

  /** Queues a write of the route's current desired state behind earlier writes of the same route. */
  private chain(key: string): Promise<void> {
    const run = async () => {
      const want = this.desired.get(key);
      if (want) {
        this.written.set(key, want.entryKey);
        await this.store.put("routes", want.entryKey, want.value);
        return;
      }
      const entryKey = this.written.get(key);
      if (entryKey === undefined) return;
      await this.store.delete("routes", entryKey);
      if (!this.desired.has(key)) this.written.delete(key);
    };
    const previous = this.chains.get(key);
    const next = (previous ? previous.then(run, run) : run()).then(
      () => {
        this.dirty.delete(key);
      },
      (err: unknown) => {
        this.dirty.add(key);
        throw err;
      },
    );
    this.chains.set(key, next);
    next
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      })
      .catch(() => {});
    return next;
  }
}

/** Runs `op` over items with at most `bulkWindow` in flight; returns how many failed. */
async function inWindows<T>(items: T[], op: (item: T) => Promise<void>): Promise<number> {
  let failures = 0;
  for (let i = 0; i < items.length; i += bulkWindow) {
    const results = await Promise.allSettled(items.slice(i, i + bulkWindow).map(op));
    failures += results.filter((r) => r.status === "rejected").length;
  }
  return failures;
}

function routeKeyOfToken(token: string): string | undefined {
  try {
    return keyOfNormalized(routeFromToken(token));
  } catch {
    return undefined;
  }
}
