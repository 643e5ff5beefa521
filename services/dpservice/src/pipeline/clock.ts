/**
 * Milliseconds for flow ages. Reading the system clock per packet (Date.now, performance.now)
 * costs 20-50 ns, a noticeable share of a ~500 ns budget; flow timeouts are seconds, so a value
 * refreshed a few times a second is precise enough.
 */
export interface Clock {
  /** Current time in ms (monotonic enough for ageing). */
  readonly now: number;
}

/** A clock ticked by a timer; `stop()` ends the timer. */
export class CoarseClock implements Clock {
  now = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(resolutionMs = 100) {
    this.timer = setInterval(() => {
      this.now = Date.now();
    }, resolutionMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public now = 1_000_000) {}

  advance(ms: number): void {
    this.now += ms;
  }
}
