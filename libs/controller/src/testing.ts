import { ApiError, type ApiObject, errors, objectKey } from "@ironcore-ts/apimachinery";
import type { ListWatcher, WatchEvent, WatchEventType } from "./listWatcher.js";

interface Recorded<T extends ApiObject> {
  version: number;
  event: WatchEvent<T>;
}

/** One open watch: a buffer of events (or the error that ends it) and whoever waits for them. */
class Subscription<T extends ApiObject> {
  private readonly buffer: WatchEvent<T>[] = [];
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  push(event: WatchEvent<T>): void {
    this.buffer.push(event);
    this.notify();
  }

  end(failure?: unknown): void {
    this.ended = true;
    this.failure = failure;
    this.notify();
  }

  async *events(): AsyncGenerator<WatchEvent<T>> {
    for (;;) {
      const next = this.buffer.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * An in-memory API server for one kind, for tests of informers and controllers. It keeps a
 * version counter and the change history, so watches replay from any version like the real
 * one; `expire()` compacts the history and `disconnect()` breaks watches, to exercise re-list
 * and re-watch. Objects go in and come out as copies, as they would over the wire.
 */
export class FakeListWatcher<T extends ApiObject> implements ListWatcher<T> {
  private readonly objects = new Map<string, T>();
  private history: Recorded<T>[] = [];
  private version = 0;
  /** Watches from a version below this one get Expired. */
  private compactedBelow = 0;
  private readonly subscriptions = new Set<Subscription<T>>();
  private disconnectError: unknown;
  /** How often list / watch were called, to assert on re-list and re-watch. */
  listCalls = 0;
  watchCalls = 0;

  constructor(initial: readonly T[] = []) {
    for (const obj of initial) this.create(obj);
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  get(key: string): T | undefined {
    const obj = this.objects.get(key);
    return obj && structuredClone(obj);
  }

  async list(): Promise<{ items: T[]; resourceVersion: string }> {
    this.listCalls++;
    return {
      items: [...this.objects.values()].map((o) => structuredClone(o)),
      resourceVersion: this.resourceVersion,
    };
  }

  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    this.watchCalls++;
    const from = Number(resourceVersion);
    if (this.disconnectError !== undefined) return failing(this.disconnectError);
    if (!Number.isInteger(from) || from < this.compactedBelow) {
      return failing(errors.expired(`too old resource version: ${resourceVersion} (${this.compactedBelow})`));
    }
    const sub = new Subscription<T>();
    for (const r of this.history) if (r.version > from) sub.push(structuredClone(r.event));
    const onAbort = () => sub.end();
    if (signal.aborted) sub.end();
    else {
      this.subscriptions.add(sub);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    const subscriptions = this.subscriptions;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* sub.events();
        } finally {
          subscriptions.delete(sub);
          signal.removeEventListener("abort", onAbort);
        }
      },
    };
  }

  /** Stores a new object (uid and creationTimestamp filled in if missing). */
  create(obj: T): T {
    const key = objectKey(obj.metadata);
    if (this.objects.has(key)) throw new ApiError("AlreadyExists", `${key} already exists`);
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${key}-${this.version + 1}`;
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    return this.store("ADDED", key, stored);
  }

  /** Replaces an existing object (no optimistic concurrency check: tests say what they mean). */
  update(obj: T): T {
    const key = objectKey(obj.metadata);
    const old = this.objects.get(key);
    if (!old) throw new ApiError("NotFound", `${key} not found`);
    const stored = structuredClone(obj);
    stored.metadata.uid = old.metadata.uid;
    return this.store("MODIFIED", key, stored);
  }

  delete(key: string): T {
    const old = this.objects.get(key);
    if (!old) throw new ApiError("NotFound", `${key} not found`);
    this.objects.delete(key);
    this.version++;
    const gone = structuredClone(old);
    gone.metadata.resourceVersion = String(this.version);
    this.record("DELETED", gone);
    return structuredClone(gone);
  }

  /** Sends a BOOKMARK at the current version to every open watch. */
  bookmark(): void {
    const event: WatchEvent<T> = {
      type: "BOOKMARK",
      object: { metadata: { resourceVersion: this.resourceVersion } } as T,
    };
    for (const sub of this.subscriptions) sub.push(structuredClone(event));
  }

  /** Moves the version counter on without a change to this kind (other kinds share the counter). */
  advanceVersion(by = 1): void {
    this.version += by;
  }

  /** Drops the history: watches from any version before now fail with Expired; open ones go on. */
  compact(): void {
    this.history = [];
    this.compactedBelow = this.version;
  }

  /**
   * Compacts the history and ends open watches with Expired, as an API server does when a watcher
   * fell too far behind: every watcher has to list again.
   */
  expire(): void {
    this.compact();
    const expired = errors.expired("the watch history was compacted");
    for (const sub of this.subscriptions) sub.end(expired);
    this.subscriptions.clear();
  }

  /** Breaks open watches with `error` and makes new ones fail with it, until `reconnect()`. */
  disconnect(error: unknown = errors.unavailable("connection refused")): void {
    this.disconnectError = error;
    for (const sub of this.subscriptions) sub.end(error);
    this.subscriptions.clear();
  }

  reconnect(): void {
    this.disconnectError = undefined;
  }

  /** Ends open watches normally, as a server closing idle streams does. */
  endWatches(): void {
    for (const sub of this.subscriptions) sub.end();
    this.subscriptions.clear();
  }

  /** Number of watches currently open. */
  get openWatches(): number {
    return this.subscriptions.size;
  }

  private store(type: WatchEventType, key: string, obj: T): T {
    this.version++;
    obj.metadata.resourceVersion = String(this.version);
    this.objects.set(key, obj);
    this.record(type, obj);
    return structuredClone(obj);
  }

  private record(type: WatchEventType, obj: T): void {
    const event: WatchEvent<T> = { type, object: obj };
    this.history.push({ version: this.version, event: structuredClone(event) });
    for (const sub of this.subscriptions) sub.push(structuredClone(event));
  }
}

function failing<T>(error: unknown): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
  };
}
