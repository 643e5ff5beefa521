import type { Redis } from "ioredis";
import { asVersion, parseStreamEntry, parseXread } from "./redisReplies.js";
import { storeErrors } from "./storeErrors.js";
import type { Watcher } from "./watcher.js";

/** One watched stream: where reading continues and who gets its events. */
interface Tail {
  collection: string;
  key: string;
  /** Version of the last entry read (or the version reading started after). */
  cursor: number;
  watchers: Set<Watcher>;
}

interface InFlightRead {
  seq: number;
  /** The stream set this XREAD was issued for. */
  generation: number;
}

const readBatch = 1000;
/**
 * XREAD blocks this long at most. Adding a stream wakes the reader with CLIENT UNBLOCK, so this is
 * only the bound on how long a missed wake-up could delay a newly watched collection.
 */
const safetyBlockMs = 5000;
const retryDelayMs = 100;

/**
 * Live events for all watches of one RedisStore over a single blocking connection: one
 * `XREAD BLOCK` over every watched collection's stream, fanned out to the local watchers. A
 * connection per watcher would cost Redis a client (and this process a socket) per watch.
 */
export class StreamReader {
  private readonly tails = new Map<string, Tail>();
  private generation = 0;
  private readSeq = 0;
  private inFlight: InFlightRead | undefined;
  private readerId: number | undefined;
  private unblocking = false;
  private idle: (() => void) | undefined;
  private closed = false;
  private readonly loop: Promise<void>;
  private stop: () => void = () => {};
  /**
   * Settles on close. A command pending while ioredis reconnects is not failed by disconnect(), so
   * the loop waits for this or the reply, whichever comes first.
   */
  private readonly stopped = new Promise<undefined>((resolve) => {
    this.stop = () => resolve(undefined);
  });

  /**
   * `reader` is dedicated to blocking reads; `control` is a connection that is never blocked, used
   * to wake the reader.
   */
  constructor(
    private readonly reader: Redis,
    private readonly control: Redis,
  ) {
    // Errors also reach the command connection, where callers see them; here the loop just retries.
    reader.on("error", () => {});
    // ioredis resends a pending XREAD after reconnecting, but from a new client id: fetch it again
    // before the next read (until then a missed wake-up costs at most safetyBlockMs).
    reader.on("close", () => {
      this.readerId = undefined;
    });
    this.loop = this.run();
  }

  /**
   * Delivers the live events of the stream `key` to `watcher`. For a stream not read yet, reading
   * starts after `startAfter`, which must not be newer than what the watcher reads as history.
   */
  attach(collection: string, key: string, startAfter: number, watcher: Watcher): void {
    let tail = this.tails.get(key);
    if (!tail) {
      tail = { collection, key, cursor: startAfter, watchers: new Set() };
      this.tails.set(key, tail);
      this.generation++;
      this.idle?.();
      this.unblock();
    }
    tail.watchers.add(watcher);
  }

  detach(key: string, watcher: Watcher): void {
    const tail = this.tails.get(key);
    if (!tail?.watchers.delete(watcher)) return;
    // The next XREAD leaves the stream out; waking the reader for that is not worth it.
    if (tail.watchers.size === 0) this.tails.delete(key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.idle?.();
    for (const tail of [...this.tails.values()]) {
      for (const watcher of [...tail.watchers]) watcher.finish();
    }
    this.tails.clear();
    this.reader.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.tails.size === 0) {
        await new Promise<void>((resolve) => {
          this.idle = resolve;
        });
        this.idle = undefined;
        continue;
      }
      try {
        if (this.readerId === undefined) {
          const id = await this.unlessClosed(this.reader.call("CLIENT", "ID"));
          if (this.closed) return;
          this.readerId = asVersion(id, "CLIENT ID");
        }
        const tails = [...this.tails.values()];
        const args = [
          "COUNT",
          readBatch,
          "BLOCK",
          safetyBlockMs,
          "STREAMS",
          ...tails.map((t) => t.key),
          ...tails.map((t) => `${t.cursor}-0`),
        ];
        this.inFlight = { seq: ++this.readSeq, generation: this.generation };
        const reply = await this.unlessClosed(this.reader.call("XREAD", ...args));
        this.inFlight = undefined;
        if (this.closed) return;
        this.dispatch(reply);
      } catch {
        this.inFlight = undefined;
        if (this.closed) return;
        await this.unlessClosed(new Promise((resolve) => setTimeout(resolve, retryDelayMs)));
      }
    }
  }

  private unlessClosed(reply: Promise<unknown>): Promise<unknown> {
    reply.catch(() => {}); // it may settle after close, with nobody waiting
    return Promise.race([reply, this.stopped]);
  }

  private dispatch(reply: unknown): void {
    for (const [key, entries] of parseXread(reply)) {
      const tail = this.tails.get(key);
      if (!tail) continue;
      try {
        for (const entry of entries) {
          const { event, prev } = parseStreamEntry(entry);
          if (event.resourceVersion <= tail.cursor) continue;
          if (prev > tail.cursor) throw storeErrors.fellBehind(tail.collection, tail.cursor);
          tail.cursor = event.resourceVersion;
          for (const watcher of tail.watchers) watcher.offer(event);
        }
      } catch (err) {
        this.tails.delete(key);
        for (const watcher of [...tail.watchers]) watcher.fail(err);
      }
    }
  }

  /** Makes a blocked XREAD that lacks a newly added stream return, so the loop reissues it. */
  private unblock(): void {
    const stale = this.inFlight;
    const id = this.readerId;
    if (this.unblocking || !stale || stale.generation === this.generation || id === undefined) return;
    this.unblocking = true;
    this.control.call("CLIENT", "UNBLOCK", id).then(
      (unblocked) => {
        this.unblocking = false;
        // 1 with the same read still pending: its (empty) reply is on the way and the loop reissues.
        if (unblocked === 1 && this.inFlight?.seq === stale.seq) return;
        // 0: the XREAD had not reached the server yet; try again shortly if it is still stale.
        if (unblocked === 0) setTimeout(() => this.unblock(), 1);
        else this.unblock();
      },
      () => {
        this.unblocking = false;
      },
    );
  }
}
