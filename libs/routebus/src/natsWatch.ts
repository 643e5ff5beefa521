import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  type PushConsumer,
} from "@nats-io/jetstream";
import type { Logger } from "./logger.js";
import type { StoredEntry, StoreWatch, WatchSink } from "./routeStore.js";

/** A snapshot with no progress for this long is retaken. */
const snapshotStallMs = 2000;

export interface NatsWatchContext {
  js: () => JetStreamClient;
  connected: () => boolean;
  log: Logger;
}

/**
 * A KV watch as an ordered push consumer with "last per subject" delivery, written here rather than
 * taken from kv.watch() because the protocol needs to know where the snapshot ends even when it is
 * empty (the consumer's num_pending at creation). Within one connection the ordered consumer heals
 * gaps itself; across reconnects the store calls suspend() and start(), which takes a new snapshot.
 */
export class NatsWatch implements StoreWatch {
  private generation = 0;
  private stopped = false;
  private consumer: PushConsumer | undefined;
  private messages: ConsumerMessages | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stallCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: NatsWatchContext,
    private readonly stream: string,
    /** "$KV.<bucket>." */
    private readonly subjectPrefix: string,
    private readonly filter: string,
    private readonly sink: WatchSink,
    private readonly headersOnly = false,
  ) {}

  start(): void {
    if (this.stopped) return;
    this.teardown();
    const generation = ++this.generation;
    void this.run(generation, 0);
  }

  /** The connection dropped: stop delivering until start() after the reconnect. */
  suspend(): void {
    this.generation++;
    this.teardown();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.teardown();
  }

  private teardown(): void {
    clearTimeout(this.retry);
    clearInterval(this.stallCheck);
    this.messages?.stop();
    this.messages = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    // Ephemeral consumers would linger for their inactivity threshold (5 min); remove when we can.
    if (consumer && this.ctx.connected()) consumer.delete().catch(() => {});
  }

  private async run(generation: number, attempt: number): Promise<void> {
    const current = () => !this.stopped && generation === this.generation;
    try {
      const consumer = await this.ctx.js().consumers.getPushConsumer(this.stream, {
        filter_subjects: `${this.subjectPrefix}${this.filter}`,
        deliver_policy: DeliverPolicy.LastPerSubject,
        headers_only: this.headersOnly,
      });
      if (!current()) {
        consumer.delete().catch(() => {});
        return;
      }
      this.consumer = consumer;
      // Messages already stored when the consumer was made: the snapshot.
      let remaining = (await consumer.info(true)).num_pending;
      let synced = false;
      let delivered = 0;
      // Distinct sequences: the ordered consumer can hand over a message twice around reconnects.
      const snapshotSeqs = new Set<number>();
      this.sink.reset();
      if (remaining === 0) {
        synced = true;
        this.sink.synced();
      }
      const messages = await consumer.consume({
        callback: (m) => {
          if (!current()) return;
          delivered++;
          this.sink.entry(this.toEntry(m));
          if (!synced && !snapshotSeqs.has(m.seq)) {
            snapshotSeqs.add(m.seq);
            remaining--;
          }
          if (!synced && (remaining <= 0 || m.info.pending === 0)) {
            synced = true;
            this.sink.synced();
          }
        },
      });
      if (!current()) {
        messages.stop();
        return;
      }
      this.messages = messages;
      // A snapshot that stops short (a push delivery lost before the client's interest registered
      // would otherwise only be noticed by the 30 s idle heartbeat) is retaken with a fresh consumer.
      let seen = -1;
      this.stallCheck = setInterval(() => {
        if (synced || !current()) {
          clearInterval(this.stallCheck);
          return;
        }
        if (delivered === seen) {
          this.ctx.log.warn({ filter: this.filter, delivered }, "bus snapshot stalled; retaking it");
          this.start();
        }
        seen = delivered;
      }, snapshotStallMs);
      this.stallCheck.unref();
      messages.closed().then(
        (err) => this.ended(generation, err),
        (err: unknown) => this.ended(generation, err),
      );
    } catch (err) {
      if (!current()) return;
      // While disconnected the store restarts us on reconnect; otherwise retry with back-off.
      if (!this.ctx.connected()) return;
      this.ctx.log.warn({ err, filter: this.filter }, "starting a bus watch failed; retrying");
      this.retry = setTimeout(
        () => void this.run(generation, attempt + 1),
        Math.min(250 * 2 ** attempt, 5000),
      );
      this.retry.unref();
    }
  }

  private ended(generation: number, err: unknown): void {
    if (this.stopped || generation !== this.generation || !this.ctx.connected()) return;
    this.ctx.log.warn({ err, filter: this.filter }, "bus watch ended; restarting with a new snapshot");
    this.start();
  }

  private toEntry(m: JsMsg): StoredEntry {
    const op = m.headers?.get("KV-Operation");
    return {
      key: m.subject.slice(this.subjectPrefix.length),
      revision: m.seq,
      createdMs: Math.floor(m.info.timestampNanos / 1e6),
      value: op === "DEL" || op === "PURGE" ? null : m.data,
    };
  }
}
