import { destinationKey, type Route } from "./route.js";

interface TableEntry {
  route: Route;
  providers: Set<string>;
}

/**
 * Routes by identity key, each with the set of providers (origin sessions) announcing it. A route is
 * present while at least one provider remains: this is what lets a consumer see REMOVE only when the
 * last origin withdraws (metalbond calls RemoveRoute on every withdrawal instead).
 */
export class RouteTable {
  private readonly entries = new Map<string, TableEntry>();
  private readonly byVni = new Map<number, Set<string>>();
  private readonly byDestination = new Map<string, Set<string>>();

  /** Records that `provider` announces the route; true when the route was not present before. */
  add(key: string, route: Route, provider: string): boolean {
    const existing = this.entries.get(key);
    if (existing) {
      existing.providers.add(provider);
      return false;
    }
    this.entries.set(key, { route, providers: new Set([provider]) });
    indexAdd(this.byVni, route.vni, key);
    indexAdd(this.byDestination, destinationKey(route), key);
    return true;
  }

  /** Drops one provider; returns the route when that was the last provider (the route is gone). */
  remove(key: string, provider: string): Route | undefined {
    const existing = this.entries.get(key);
    if (!existing?.providers.delete(provider) || existing.providers.size > 0) return undefined;
    this.entries.delete(key);
    indexRemove(this.byVni, existing.route.vni, key);
    indexRemove(this.byDestination, destinationKey(existing.route), key);
    return existing.route;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Route | undefined {
    return this.entries.get(key)?.route;
  }

  providers(key: string): ReadonlySet<string> {
    return this.entries.get(key)?.providers ?? new Set();
  }

  /** Keys present for one (VNI, destination), whatever the next hop. */
  keysAt(destination: string): string[] {
    return [...(this.byDestination.get(destination) ?? [])];
  }

  keys(vni?: number): IterableIterator<string> {
    if (vni === undefined) return this.entries.keys();
    return (this.byVni.get(vni) ?? new Set<string>()).values();
  }

  routes(vni?: number): Route[] {
    const out: Route[] = [];
    for (const key of this.keys(vni)) {
      const entry = this.entries.get(key);
      if (entry) out.push(entry.route);
    }
    return out;
  }

  vnis(): number[] {
    return [...this.byVni.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.entries.size;
  }
}

function indexAdd<K>(index: Map<K, Set<string>>, at: K, key: string): void {
  let set = index.get(at);
  if (!set) {
    set = new Set();
    index.set(at, set);
  }
  set.add(key);
}

function indexRemove<K>(index: Map<K, Set<string>>, at: K, key: string): void {
  const set = index.get(at);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(at);
}
