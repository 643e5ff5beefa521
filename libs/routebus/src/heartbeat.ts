import type { Logger } from "./logger.js";
import type { RouteStore } from "./routeStore.js";

/**
 * This client's heartbeat: its session written to the sessions bucket every keepalive interval. The
 * storage time of each write is what every other client judges this origin's liveness by.
 */
export class Heartbeat {
  /** Storage revision of the latest heartbeat, so a clean close removes only our own. */
  private lastRevision = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;

  constructor(
    private readonly store: RouteStore,
    private readonly key: string,
    private readonly value: Uint8Array,
    private readonly intervalMs: number,
    private readonly allowed: () => boolean,
    private readonly log: Logger,
  ) {}

  /**
   * Writes the first heartbeat and returns local clock minus storage clock (ms), measured by reading
   * the heartbeat back: with it a late joiner tells fresh heartbeats in a snapshot from stale ones
   * even if this host's clock is off.
   */
  async first(): Promise<number> {
    const before = Date.now();
    this.lastRevision = await this.store.put("sessions", this.key, this.value);
    const after = Date.now();
    const stored = await this.store.get("sessions", this.key);
    return stored ? Math.round((before + after) / 2 - stored.createdMs) : 0;
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One heartbeat now (skipped while one is in flight, while disconnected, or when not allowed). */
  async beat(): Promise<void> {
    if (this.inFlight || !this.allowed() || this.store.state !== "connected") return;
    this.inFlight = true;
    try {
      this.lastRevision = await this.store.put("sessions", this.key, this.value);
    } catch (err) {
      this.log.debug({ err }, "heartbeat failed");
    } finally {
      this.inFlight = false;
    }
  }

  /** Deletes the session key if it still holds our latest heartbeat (not a newer process's). */
  async remove(): Promise<void> {
    await this.store.delete("sessions", this.key, this.lastRevision);
  }
}
