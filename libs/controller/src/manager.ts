import { setMaxListeners } from "node:events";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { Logger } from "pino";
import type { BackoffOptions } from "./backoff.js";
import type { Controller } from "./controller.js";
import { Informer } from "./informer.js";
import { LeaderElector } from "./leaderElection.js";
import type { Lease } from "./lease.js";
import type { ListWatcher } from "./listWatcher.js";
import { silentLogger } from "./logging.js";

export interface ManagerOptions {
  logger?: Logger;
  /** With a lease, controllers run only on the replica that holds it; informers run everywhere. */
  leaderElection?: { lease: Lease; renewEvery?: number; retryEvery?: number };
  /** List/watch retry back-off of the informers this manager creates. */
  informerBackoff?: BackoffOptions;
}

export interface InformerRequest {
  /** Informers asked for with the same key are one informer; defaults to the ListWatcher itself. */
  key?: string;
  /** For log lines; defaults to the key. */
  name?: string;
}

/**
 * Runs a process' informers and controllers together. Informers are shared: controllers asking
 * for the same kind get one cache and one watch. Informers run from `start` to stop on every
 * replica, so a replica that wins an election starts with warm caches; controllers run only
 * while this replica leads (always, without leader election).
 */
export class Manager {
  private readonly log: Logger;
  /** Informers of different object types side by side; `informer()` is the only typed way in. */
  private readonly informers = new Map<
    unknown,
    { start(signal: AbortSignal): Promise<void>; waitForSync(signal?: AbortSignal): Promise<boolean> }
  >();
  private readonly controllers: Controller[] = [];
  private readonly elector: LeaderElector | undefined;
  private readonly informerBackoff: BackoffOptions | undefined;
  private readonly tasks = new Set<Promise<void>>();
  private stopper: AbortController | undefined;
  private finished: Promise<void> | undefined;
  /** Aborts when the controllers of the current term must stop; undefined while they do not run. */
  private controllerSignal: AbortSignal | undefined;
  private readonly controllerRuns = new Set<Promise<void>>();

  constructor({ logger, leaderElection, informerBackoff }: ManagerOptions = {}) {
    this.log = (logger ?? silentLogger()).child({ component: "manager" });
    this.informerBackoff = informerBackoff;
    if (leaderElection) {
      this.elector = new LeaderElector({
        ...leaderElection,
        logger: this.log,
        onStartedLeading: (signal) => this.startControllers(signal),
        onStoppedLeading: () => this.controllersStopped(),
      });
    }
  }

  /** The shared informer for this ListWatcher (or key), created on first request. */
  informer<T extends ApiObject>(
    listWatcher: ListWatcher<T>,
    { key, name }: InformerRequest = {},
  ): Informer<T> {
    const id: unknown = key ?? listWatcher;
    const existing = this.informers.get(id);
    if (existing) return existing as Informer<T>;
    const informer = new Informer<T>(listWatcher, {
      name: name ?? key ?? `informer-${this.informers.size + 1}`,
      logger: this.log,
      backoff: this.informerBackoff,
    });
    this.informers.set(id, informer);
    if (this.stopper) this.track(informer.start(this.stopper.signal));
    return informer;
  }

  /** Adds a controller; it starts with the manager, or at once if the manager already runs its controllers. */
  add(controller: Controller): this {
    this.controllers.push(controller);
    if (this.controllerSignal) this.runController(controller, this.controllerSignal);
    return this;
  }

  /** True while this replica's controllers may run: always without leader election. */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.stopper !== undefined;
  }

  /** The lease this manager campaigns for, if any (key and holder identity for debugging). */
  get lease(): Lease | undefined {
    return this.elector?.lease;
  }

  /** Resolves true once every informer has synced, false if `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /**
   * Starts informers, then controllers (or the campaign for leadership), and resolves once
   * everything has stopped after `signal` aborts or `stop()` is called.
   */
  start(signal?: AbortSignal): Promise<void> {
    if (this.stopper) throw new Error("manager is already running");
    const stopper = new AbortController();
    // Every informer and controller listens on it: many listeners are expected, not a leak.
    setMaxListeners(0, stopper.signal);
    this.stopper = stopper;
    const onAbort = () => stopper.abort();
    if (signal?.aborted) stopper.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    for (const informer of this.informers.values()) this.track(informer.start(stopper.signal));
    if (this.elector) this.track(this.elector.run(stopper.signal));
    else this.startControllers(stopper.signal);
    this.log.info({ informers: this.informers.size, controllers: this.controllers.length }, "started");
    this.finished = (async () => {
      await new Promise<void>((resolve) => {
        if (stopper.signal.aborted) resolve();
        else stopper.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      // Tasks may add tasks while stopping (none should, but a settled set is the safe exit test).
      while (this.tasks.size > 0) await Promise.all([...this.tasks]);
      signal?.removeEventListener("abort", onAbort);
      this.stopper = undefined;
      this.log.info("stopped");
    })();
    return this.finished;
  }

  /** Stops everything and resolves once controllers and informers have returned. */
  async stop(): Promise<void> {
    this.stopper?.abort();
    await this.finished;
  }

  private startControllers(signal: AbortSignal): void {
    this.controllerSignal = signal;
    signal.addEventListener(
      "abort",
      () => {
        if (this.controllerSignal === signal) this.controllerSignal = undefined;
      },
      { once: true },
    );
    for (const c of this.controllers) this.runController(c, signal);
  }

  private runController(controller: Controller, signal: AbortSignal): void {
    const run = controller.start(signal).catch((err: unknown) => {
      this.log.error({ err, controller: controller.name }, "controller failed");
    });
    this.controllerRuns.add(run);
    this.track(run);
    void run.finally(() => this.controllerRuns.delete(run));
  }

  /** Waits for the controllers of the term that just ended, so the lease is released only after. */
  private async controllersStopped(): Promise<void> {
    await Promise.all([...this.controllerRuns]);
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((err: unknown) => this.log.error({ err }, "task failed"));
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }
}
