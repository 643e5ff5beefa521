import type { StoreEvent } from "./store.js";

/**
 * The consumer side of one watch, shared by both stores. A watch reads history and subscribes to
 * live events at the same time, so the two overlap; every event at or below the last version
 * accepted is dropped, which makes the switch from replay to live free of gaps and duplicates as
 * long as both sources deliver in version order.
 *
 * Live events that arrive while the history is still being read are held back, so the consumer
 * always sees history first. Nothing is bounded here: a consumer that stops reading keeps its
 * events in memory until it aborts.
 */
export class Watcher implements AsyncIterableIterator<StoreEvent> {
  private lastVersion = 0;
  private replaying = true;
  private held: StoreEvent[] = [];
  private queue: StoreEvent[] = [];
  private head = 0;
  private failure: unknown;
  private failed = false;
  private finished = false;
  private wakeConsumer: (() => void) | undefined;
  private readonly onAbort = () => this.finish();

  constructor(
    private readonly prefix: string,
    private readonly signal: AbortSignal | undefined,
    private readonly onFinish: (watcher: Watcher) => void,
  ) {
    if (signal?.aborted) this.finish();
    else signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  get done(): boolean {
    return this.finished;
  }

  /** Everything after `version` is wanted; set before history or live events are offered. */
  startAfter(version: number): void {
    this.lastVersion = version;
  }

  /** A live event; held back while history is still being read. */
  offer(event: StoreEvent): void {
    if (this.finished) return;
    if (this.replaying) this.held.push(event);
    else this.accept(event);
  }

  /** The history after the start version, in order; then whatever arrived live meanwhile. */
  replayed(events: readonly StoreEvent[]): void {
    if (this.finished) return;
    for (const event of events) this.accept(event);
    for (const event of this.held) this.accept(event);
    this.held = [];
    this.replaying = false;
  }

  /** Ends the watch with an error, after the events already queued have been read. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.failure = error;
    this.failed = true;
    this.stop();
  }

  /** Ends the watch now; events not yet read are dropped. */
  finish(): void {
    if (this.finished) return;
    this.queue = [];
    this.head = 0;
    this.stop();
  }

  async next(): Promise<IteratorResult<StoreEvent>> {
    for (;;) {
      if (this.head < this.queue.length) return { done: false, value: this.take() };
      if (this.failed) {
        this.failed = false;
        throw this.failure;
      }
      if (this.finished) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<StoreEvent>> {
    this.finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoreEvent> {
    return this;
  }

  private accept(event: StoreEvent): void {
    if (event.resourceVersion <= this.lastVersion) return;
    this.lastVersion = event.resourceVersion;
    if (!event.name.startsWith(this.prefix)) return;
    this.queue.push(event);
    this.wake();
  }

  private take(): StoreEvent {
    const event = this.queue[this.head]!;
    this.head++;
    // Reclaim the consumed front now and then instead of shifting on every read.
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return event;
  }

  private stop(): void {
    this.finished = true;
    this.held = [];
    this.signal?.removeEventListener("abort", this.onAbort);
    this.onFinish(this);
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}
