import type { Logger } from "pino";
import type { Lease } from "./lease.js";
import { silentLogger } from "./logging.js";
import { sleep } from "./sleep.js";

export interface LeaderElectorOptions {
  lease: Lease;
  /** How often the leader renews; must be well below the lease TTL. A third of the TTL unless set. */
  renewEvery?: number;
  /** How often a follower tries to take the lease; `renewEvery` unless set. */
  retryEvery?: number;
  /**
   * Called when this candidate becomes leader. `signal` aborts when leadership ends; work started
   * here must stop then. Not awaited: it may run for the whole term.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called after leadership ended (lost, or given up on stop); awaited before the lease is released. */
  onStoppedLeading(): void | Promise<void>;
  logger?: Logger;
}

class Timeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "Timeout";
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Campaigns for a lease, renews it while leading, and gives it back on stop. Leadership ends as
 * soon as one renewal fails or cannot finish before the lease would expire: a leader that cannot
 * prove it still holds the lease must assume someone else does. After losing, it campaigns again.
 */
export class LeaderElector {
  readonly lease: Lease;
  private readonly renewEvery: number;
  private readonly retryEvery: number;
  private readonly onStartedLeading: LeaderElectorOptions["onStartedLeading"];
  private readonly onStoppedLeading: LeaderElectorOptions["onStoppedLeading"];
  private readonly log: Logger;
  private leading = false;

  constructor({
    lease,
    renewEvery,
    retryEvery,
    onStartedLeading,
    onStoppedLeading,
    logger,
  }: LeaderElectorOptions) {
    this.lease = lease;
    this.renewEvery = renewEvery ?? Math.floor(lease.ttlMs / 3);
    this.retryEvery = retryEvery ?? this.renewEvery;
    if (!(this.renewEvery > 0 && this.renewEvery < lease.ttlMs)) {
      throw new RangeError(`renewEvery (${this.renewEvery} ms) must be positive and below the lease TTL`);
    }
    this.onStartedLeading = onStartedLeading;
    this.onStoppedLeading = onStoppedLeading;
    this.log = (logger ?? silentLogger()).child({ lease: lease.key, holder: lease.holder });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns and leads until `signal` aborts; then stops leading, releases the lease and returns. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const sentAt = Date.now();
      if (await this.attempt("acquire", () => this.lease.tryAcquire(), this.lease.ttlMs)) {
        await this.lead(signal, sentAt + this.lease.ttlMs);
        continue;
      }
      await sleep(this.retryEvery, signal);
    }
  }

  /** One lease call that counts as failed if it throws or outlasts `ms`. */
  private async attempt(what: string, call: () => Promise<boolean>, ms: number): Promise<boolean> {
    if (ms <= 0) return false;
    try {
      return await withTimeout(call(), ms);
    } catch (err) {
      this.log.warn({ err }, `lease ${what} failed`);
      return false;
    }
  }

  private async lead(signal: AbortSignal, initialExpiry: number): Promise<void> {
    // Measured from before each request was sent, so our idea of the expiry is never later than Redis'.
    let expiresAt = initialExpiry;
    const term = new AbortController();
    this.leading = true;
    this.log.info("started leading");
    Promise.resolve()
      .then(() => this.onStartedLeading(term.signal))
      .catch((err: unknown) => this.log.error({ err }, "onStartedLeading failed"));
    try {
      for (;;) {
        await sleep(this.renewEvery, signal);
        if (signal.aborted) return;
        const sentAt = Date.now();
        if (!(await this.attempt("renewal", () => this.lease.renew(), expiresAt - sentAt))) {
          this.log.warn("lost leadership: lease renewal failed");
          return;
        }
        expiresAt = sentAt + this.lease.ttlMs;
      }
    } finally {
      this.leading = false;
      term.abort();
      try {
        await this.onStoppedLeading();
      } catch (err) {
        this.log.error({ err }, "onStoppedLeading failed");
      }
      if (signal.aborted) {
        // Stopping on purpose: hand over now instead of making the next leader wait out the TTL.
        await this.attempt("release", () => this.lease.release(), this.lease.ttlMs);
      }
      this.log.info("stopped leading");
    }
  }
}
