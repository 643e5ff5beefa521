import { defaultMemoryRouteHub, type MemoryRouteHub } from "./memoryRouteHub.js";
import type { RouteBusOptions } from "./routeBus.js";
import { StoreRouteBus } from "./storeRouteBus.js";

export interface MemoryRouteBusOptions extends RouteBusOptions {
  /** The hub to join; default: the process-wide hub. */
  hub?: MemoryRouteHub;
}

/**
 * A route bus client inside one process: the same protocol code as NatsRouteBus (heartbeats,
 * liveness, reference counting, re-sync) over an in-memory store, for the embedded default and tests.
 */
export class MemoryRouteBus extends StoreRouteBus {
  readonly hub: MemoryRouteHub;

  constructor(options: MemoryRouteBusOptions) {
    const hub = options.hub ?? defaultMemoryRouteHub();
    const store = hub.connect();
    super(store, options);
    this.hub = hub;
    hub.bind(this, store);
  }
}
