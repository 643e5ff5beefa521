/** How a failing item is retried: `baseMs`, doubling on every failure, never above `maxMs`. */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** client-go's defaults for a controller's queue: fast first retries, then at most a minute. */
export const defaultQueueBackoff: Required<BackoffOptions> = { baseMs: 5, maxMs: 60_000 };

/**
 * Per-key exponential back-off. Each `next(key)` counts one more failure of that key and returns
 * how long to wait before retrying it; `forget(key)` starts it over once it succeeded.
 */
export class ExponentialBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly failureCounts = new Map<string, number>();

  constructor({
    baseMs = defaultQueueBackoff.baseMs,
    maxMs = defaultQueueBackoff.maxMs,
  }: BackoffOptions = {}) {
    if (!(baseMs > 0) || !(maxMs >= baseMs)) {
      throw new RangeError(`back-off needs 0 < baseMs <= maxMs (got baseMs=${baseMs}, maxMs=${maxMs})`);
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  /** The delay for this key's next retry; counts the failure. */
  next(key: string): number {
    const failures = this.failureCounts.get(key) ?? 0;
    this.failureCounts.set(key, failures + 1);
    // Cap the exponent too: 2 ** 1100 is Infinity, and the cap makes the maths boring on purpose.
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(failures, 52));
  }

  /** How many failures in a row this key has had. */
  failures(key: string): number {
    return this.failureCounts.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failureCounts.delete(key);
  }
}
