/**
 * A lock with a time limit that one candidate at a time holds. Whoever holds it must renew it
 * before `ttlMs` passes, or it becomes free for others.
 */
export interface Lease {
  /** Where the lease lives (for debugging: the Redis key). */
  readonly key: string;
  /** This candidate's identity, the value the lease holds while this candidate leads. */
  readonly holder: string;
  readonly ttlMs: number;
  /** Takes the lease if free (or already ours, then extends it); true if we hold it now. */
  tryAcquire(): Promise<boolean>;
  /** Extends the lease if we still hold it; false if it expired or someone else holds it. */
  renew(): Promise<boolean>;
  /** Gives the lease up if we hold it, so another candidate need not wait for it to expire. */
  release(): Promise<boolean>;
  /** Who holds the lease now, or null if nobody. */
  currentHolder(): Promise<string | null>;
}
