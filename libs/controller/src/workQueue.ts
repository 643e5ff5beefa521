import type { Registry } from "prom-client";
import { type BackoffOptions, ExponentialBackoff } from "./backoff.js";
import { type WorkQueueMetrics, workQueueMetrics } from "./metrics.js";

export interface WorkQueueOptions {
  /** Shows up as the `name` label of the queue's metrics. */
  name: string;
  /** Back-off of `addRateLimited`: 5 ms doubling up to 60 s unless set. */
  backoff?: BackoffOptions;
  /** Where the metrics go; prom-client's global registry unless set. */
  registry?: Registry;
}

/**
 * A queue of keys to process, with client-go's guarantees:
 * - a key is queued at most once, however often it is added before someone takes it;
 * - a key is handed to at most one worker at a time: adding a key that is being processed marks
 *   it dirty, and `done` queues it again, so the change that arrived meanwhile is not lost;
 * - `addRateLimited` retries a failing key with per-key exponential back-off until `forget`.
 */
export class WorkQueue {
  readonly name: string;
  private readonly queue: string[] = [];
  /** Keys that need processing: queued ones, and processing ones that were added again. */
  private readonly dirty = new Set<string>();
  /** Keys handed out and not yet `done`, with when they were handed out. */
  private readonly processing = new Map<string, number>();
  private readonly queuedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly waiters: Array<() => void> = [];
  private readonly backoff: ExponentialBackoff;
  private readonly metrics: WorkQueueMetrics;
  private stopped = false;

  constructor({ name, backoff, registry }: WorkQueueOptions) {
    this.name = name;
    this.backoff = new ExponentialBackoff(backoff);
    this.metrics = workQueueMetrics(registry);
    this.metrics.depth.set({ name }, 0);
  }

  /** Queues `key` unless it is queued already (see the class comment for keys being processed). */
  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.metrics.adds.inc({ name: this.name });
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /**
   * Queues `key` after `ms`. Several delays for one key collapse into the earliest, so a key
   * that must be looked at soon is not pushed back by a later, longer request.
   */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Queues `key` after its back-off delay, which doubles with every call until `forget(key)`. */
  addRateLimited(key: string): void {
    if (this.stopped) return;
    this.metrics.retries.inc({ name: this.name });
    this.addAfter(key, this.backoff.next(key));
  }

  /** The key succeeded: its next failure starts the back-off from the beginning. */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** How many times in a row the key went through `addRateLimited` since its last `forget`. */
  numRequeues(key: string): number {
    return this.backoff.failures(key);
  }

  /**
   * The next key to process, waiting until there is one; `undefined` once the queue is shut down.
   * Every key handed out must be given back with `done(key)`.
   */
  async get(): Promise<string | undefined> {
    for (;;) {
      if (this.stopped) return undefined;
      const key = this.queue.shift();
      if (key !== undefined) {
        this.dirty.delete(key);
        const now = performance.now();
        this.processing.set(key, now);
        this.metrics.depth.set({ name: this.name }, this.queue.length);
        const queuedAt = this.queuedAt.get(key);
        this.queuedAt.delete(key);
        if (queuedAt !== undefined)
          this.metrics.queueDuration.observe({ name: this.name }, (now - queuedAt) / 1000);
        return key;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Processing of `key` finished; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration.observe({ name: this.name }, (performance.now() - startedAt) / 1000);
    if (this.dirty.has(key) && !this.stopped) this.push(key);
  }

  /** Number of keys waiting to be handed out (not counting delayed or processing ones). */
  get length(): number {
    return this.queue.length;
  }

  /** Whether `key` is handed out to a worker right now. */
  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Stops handing out keys: pending and future `get()` calls return `undefined`, adds are ignored. */
  shutDown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.metrics.depth.set({ name: this.name }, 0);
    for (const wake of this.waiters.splice(0)) wake();
  }

  get shuttingDown(): boolean {
    return this.stopped;
  }

  private push(key: string): void {
    this.queue.push(key);
    this.queuedAt.set(key, performance.now());
    this.metrics.depth.set({ name: this.name }, this.queue.length);
    this.waiters.shift()?.();
  }
}
