import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { BackoffOptions } from "./backoff.js";
import { type EventMapper, enqueueObject } from "./enqueue.js";
import type { Informer } from "./informer.js";
import { type ControllerMetrics, controllerMetrics } from "./metrics.js";
import { WorkQueue } from "./workQueue.js";

/**
 * What a reconcile asks for besides "done":
 * - `requeueAfter` (ms): look again after that long even though nothing failed (polling, TTLs);
 * - `requeue`: look again soon, with the same back-off as a failure but without logging an error.
 */
export interface ReconcileResult {
  requeue?: boolean;
  requeueAfter?: number;
}

/**
 * Brings the object named by `key` (`namespace/name`) to its desired state, reading the world
 * fresh each time (level-based: the key says what, never what changed). It must be idempotent,
 * and must treat a missing object as "deleted, clean up". Throwing retries the key with back-off.
 * `signal` aborts when the controller stops; `log` carries `{ controller, key }`.
 */
export type Reconciler = (
  key: string,
  signal: AbortSignal,
  log: Logger,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async (key) => { ... }` with no return be a Reconciler.
) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** How many keys are reconciled at once (never the same key twice); 1 unless set. */
  concurrency?: number;
  logger: Logger;
  /** Retry back-off of failing keys: 5 ms doubling up to 60 s unless set. */
  backoff?: BackoffOptions;
  /** Where queue and reconcile metrics go; prom-client's global registry unless set. */
  registry?: Registry;
}

/** What the controller keeps of a watched informer, with the object type erased. */
interface Source {
  waitForSync(signal: AbortSignal): Promise<boolean>;
  connect(enqueue: (key: string) => void): () => void;
}

/**
 * Turns informer events into keys in a work queue and runs `reconcile` on them with a bounded
 * number of workers, retrying failures with per-key back-off.
 */
export class Controller {
  readonly name: string;
  private readonly reconciler: Reconciler;
  private readonly concurrency: number;
  private readonly log: Logger;
  private readonly backoff: BackoffOptions | undefined;
  private readonly registry: Registry | undefined;
  private readonly metrics: ControllerMetrics;
  private readonly sources: Source[] = [];
  private currentQueue: WorkQueue | undefined;

  constructor({ name, reconcile, concurrency = 1, logger, backoff, registry }: ControllerOptions) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`controller ${name}: concurrency must be a positive integer, got ${concurrency}`);
    }
    this.name = name;
    this.reconciler = reconcile;
    this.concurrency = concurrency;
    this.log = logger.child({ controller: name });
    this.backoff = backoff;
    this.registry = registry;
    this.metrics = controllerMetrics(registry);
  }

  /**
   * Reconcile the keys `mapper` finds in this informer's events (the object's own key unless
   * given). On update both the old and the new object are mapped, so a change that moves an
   * object from one owner or label to another wakes up both sides. Call before `start`.
   */
  watch<T extends ApiObject>(informer: Informer<T>, mapper: EventMapper<T> = enqueueObject<T>()): this {
    if (this.currentQueue) throw new Error(`controller ${this.name}: watch() must be called before start()`);
    const log = this.log;
    const mapInto = (enqueue: (key: string) => void, obj: T) => {
      try {
        for (const key of mapper(obj)) enqueue(key);
      } catch (err) {
        log.error({ err, informer: informer.name }, "event mapper failed");
      }
    };
    this.sources.push({
      waitForSync: (signal) => informer.waitForSync(signal),
      connect: (enqueue) =>
        informer.addEventHandler({
          onAdd: (obj) => mapInto(enqueue, obj),
          onUpdate: (oldObj, newObj) => {
            mapInto(enqueue, oldObj);
            mapInto(enqueue, newObj);
          },
          onDelete: (obj) => mapInto(enqueue, obj),
        }),
    });
    return this;
  }

  /** Queues a key by hand (timers, external triggers). Ignored while the controller is not running. */
  enqueue(key: string): void {
    this.currentQueue?.add(key);
  }

  /** The work queue of the current run, for inspection; undefined while stopped. */
  get queue(): WorkQueue | undefined {
    return this.currentQueue;
  }

  get running(): boolean {
    return this.currentQueue !== undefined;
  }

  /**
   * Runs until `signal` aborts, then waits for in-flight reconciles to return. Workers start only
   * once every watched informer has synced, so a reconcile never mistakes a cold cache for
   * "object deleted". A controller can be started again after it stopped (with a fresh queue,
   * filled from the informers' caches).
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.currentQueue) throw new Error(`controller ${this.name} is already running`);
    if (signal.aborted) return;
    const queue = new WorkQueue({ name: this.name, backoff: this.backoff, registry: this.registry });
    this.currentQueue = queue;
    const disconnect = this.sources.map((s) => s.connect((key) => queue.add(key)));
    const stop = () => queue.shutDown();
    signal.addEventListener("abort", stop, { once: true });
    try {
      this.log.info("waiting for caches to sync");
      await Promise.all(this.sources.map((s) => s.waitForSync(signal)));
      if (signal.aborted) return;
      this.log.info({ workers: this.concurrency }, "starting workers");
      await Promise.all(Array.from({ length: this.concurrency }, () => this.worker(queue, signal)));
    } finally {
      signal.removeEventListener("abort", stop);
      for (const d of disconnect) d();
      queue.shutDown();
      this.currentQueue = undefined;
      this.log.info("stopped");
    }
  }

  private async worker(queue: WorkQueue, signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOne(queue, key, signal);
      } finally {
        queue.done(key);
      }
    }
  }

  private async reconcileOne(queue: WorkQueue, key: string, signal: AbortSignal): Promise<void> {
    const log = this.log.child({ key });
    const labels = { controller: this.name };
    const startedAt = performance.now();
    this.metrics.activeWorkers.inc(labels);
    try {
      const result = (await this.reconciler(key, signal, log)) ?? {};
      if (result.requeueAfter !== undefined && result.requeueAfter > 0) {
        queue.forget(key);
        queue.addAfter(key, result.requeueAfter);
        this.metrics.reconciles.inc({ ...labels, result: "requeue_after" });
      } else if (result.requeue) {
        queue.addRateLimited(key);
        this.metrics.reconciles.inc({ ...labels, result: "requeue" });
      } else {
        queue.forget(key);
        this.metrics.reconciles.inc({ ...labels, result: "success" });
      }
    } catch (err) {
      this.metrics.reconciles.inc({ ...labels, result: "error" });
      this.metrics.reconcileErrors.inc(labels);
      if (signal.aborted) {
        // Errors caused by the stop itself (aborted calls) are expected, not worth an error line.
        log.debug({ err }, "reconcile interrupted by shutdown");
        return;
      }
      log.error({ err, retries: queue.numRequeues(key) }, "reconcile failed; retrying with back-off");
      queue.addRateLimited(key);
    } finally {
      this.metrics.activeWorkers.dec(labels);
      this.metrics.reconcileTime.observe(labels, (performance.now() - startedAt) / 1000);
    }
  }
}
