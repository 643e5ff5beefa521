import type { Route } from "./route.js";

/** One stored announcement seen on the bus: a route from one session of one origin. */
export interface ReceivedEntry {
  /** Storage key (subjects.ts layout). */
  key: string;
  vni: number;
  origin: string;
  session: string;
  route: Route;
  routeKey: string;
  /** Storage revision last seen, for conditional deletes by the reaper. */
  revision: number;
  /** Local time the entry was first seen. */
  firstSeenMs: number;
}

export function providerId(origin: string, session: string): string {
  return `${origin}\u0000${session}`;
}

/**
 * Every stored announcement a client currently knows for its subscribed VNIs, whether or not its
 * origin session is live, indexed by VNI and by session so liveness changes and unsubscribes touch
 * only the entries concerned.
 */
export class ReceivedEntries {
  private readonly byKey = new Map<string, ReceivedEntry>();
  private readonly byVni = new Map<number, Set<string>>();
  private readonly bySession = new Map<string, Set<string>>();

  get(key: string): ReceivedEntry | undefined {
    return this.byKey.get(key);
  }

  add(entry: ReceivedEntry): void {
    this.byKey.set(entry.key, entry);
    addTo(this.byVni, entry.vni, entry.key);
    addTo(this.bySession, providerId(entry.origin, entry.session), entry.key);
  }

  remove(key: string): ReceivedEntry | undefined {
    const entry = this.byKey.get(key);
    if (!entry) return undefined;
    this.byKey.delete(key);
    removeFrom(this.byVni, entry.vni, key);
    removeFrom(this.bySession, providerId(entry.origin, entry.session), key);
    return entry;
  }

  ofSession(origin: string, session: string): ReceivedEntry[] {
    return this.collect(this.bySession.get(providerId(origin, session)));
  }

  ofVni(vni: number): ReceivedEntry[] {
    return this.collect(this.byVni.get(vni));
  }

  all(): IterableIterator<ReceivedEntry> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  private collect(keys: Set<string> | undefined): ReceivedEntry[] {
    const out: ReceivedEntry[] = [];
    for (const key of keys ?? []) {
      const entry = this.byKey.get(key);
      if (entry) out.push(entry);
    }
    return out;
  }
}

function addTo<K>(index: Map<K, Set<string>>, at: K, key: string): void {
  let set = index.get(at);
  if (!set) {
    set = new Set();
    index.set(at, set);
  }
  set.add(key);
}

function removeFrom<K>(index: Map<K, Set<string>>, at: K, key: string): void {
  const set = index.get(at);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(at);
}
