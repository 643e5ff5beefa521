import { hidesReceived } from "./reflectionFilter.js";
import { destinationKey, type Route } from "./route.js";
import { RouteTable } from "./routeTable.js";

export type RouteListener = (route: Route) => void;

/**
 * What a client sees as installed: received routes of live origin sessions (reference-counted), minus
 * those its own announcements hide (reflectionFilter.ts). Every change of that set, whatever caused
 * it (an update, an origin dying, an own announcement), is emitted exactly once as add or remove, so
 * listeners can mirror `routes()` without ever seeing a duplicate add.
 */
export class RouteView {
  private readonly received = new RouteTable();
  private readonly visible = new Map<string, Route>();
  private readonly visibleByVni = new Map<number, Set<string>>();
  private readonly own = new Map<string, Map<string, Route>>();
  private readonly addListeners = new Set<RouteListener>();
  private readonly removeListeners = new Set<RouteListener>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  /** A live provider announces a route. */
  provide(key: string, route: Route, provider: string): void {
    if (this.received.add(key, route, provider)) this.reevaluate(key);
  }

  /** A provider no longer announces a route (withdrawn, session dead, unsubscribed). */
  unprovide(key: string, provider: string): void {
    if (this.received.remove(key, provider)) this.reevaluate(key);
  }

  /** This client's own announcement changed: received routes at that destination may show or hide. */
  setOwn(key: string, route: Route, announced: boolean): void {
    const at = destinationKey(route);
    let mine = this.own.get(at);
    if (announced) {
      if (!mine) {
        mine = new Map();
        this.own.set(at, mine);
      }
      mine.set(key, route);
    } else if (mine) {
      mine.delete(key);
      if (mine.size === 0) this.own.delete(at);
    }
    for (const k of this.received.keysAt(at)) this.reevaluate(k);
  }

  routes(vni?: number): Route[] {
    if (vni === undefined) return [...this.visible.values()];
    const out: Route[] = [];
    for (const key of this.visibleByVni.get(vni) ?? []) {
      const route = this.visible.get(key);
      if (route) out.push(route);
    }
    return out;
  }

  /** Visible routes ordered by identity key. */
  sortedRoutes(vni?: number): Route[] {
    const keys = vni === undefined ? [...this.visible.keys()] : [...(this.visibleByVni.get(vni) ?? [])];
    keys.sort();
    const out: Route[] = [];
    for (const key of keys) {
      const route = this.visible.get(key);
      if (route) out.push(route);
    }
    return out;
  }

  has(key: string): boolean {
    return this.visible.has(key);
  }

  vnis(): number[] {
    return [...this.visibleByVni.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.visible.size;
  }

  /** Distinct routes received from live providers, hidden ones included. */
  get receivedSize(): number {
    return this.received.size;
  }

  onAdd(listener: RouteListener): () => void {
    this.addListeners.add(listener);
    return () => this.addListeners.delete(listener);
  }

  onRemove(listener: RouteListener): () => void {
    this.removeListeners.add(listener);
    return () => this.removeListeners.delete(listener);
  }

  private reevaluate(key: string): void {
    const route = this.received.get(key);
    const show =
      route !== undefined &&
      (this.own.size === 0 || !hidesReceived(this.own.get(destinationKey(route))?.values() ?? [], route));
    if (show && !this.visible.has(key)) {
      this.visible.set(key, route);
      let keys = this.visibleByVni.get(route.vni);
      if (!keys) {
        keys = new Set();
        this.visibleByVni.set(route.vni, keys);
      }
      keys.add(key);
      this.emit(this.addListeners, route);
    } else if (!show) {
      const gone = this.visible.get(key);
      if (!gone) return;
      this.visible.delete(key);
      const keys = this.visibleByVni.get(gone.vni);
      keys?.delete(key);
      if (keys?.size === 0) this.visibleByVni.delete(gone.vni);
      this.emit(this.removeListeners, gone);
    }
  }

  private emit(listeners: Set<RouteListener>, route: Route): void {
    for (const listener of listeners) {
      try {
        listener(route);
      } catch (err) {
        // A failing consumer must not stop delivery to the others or corrupt the table.
        this.onListenerError(err);
      }
    }
  }
}
