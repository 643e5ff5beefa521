/**
 * Read-your-writes on top of informer caches.
 *
 * A reconcile writes (adds a finalizer, sets status, creates the apinet object) and the
 * informer learns about it only when the watch event arrives. Under load that can take
 * seconds, and every event queued before it triggers another reconcile that still sees the old
 * object: it would write again - and finalizer writes, which carry the version they read, fail
 * with Conflict until the cache catches up, each retry another round trip.
 *
 * So every write (and single read) apinetlet makes goes through a RecentWritesClient, which
 * remembers the object the server returned; reconcilers read `latest(ref, cached)`: whichever of the informer's copy
 * and apinetlet's own last write is newer. An entry is dropped once the informer has caught up,
 * when the object is deleted, or after a while (the informer has surely caught up by then).
 *
 * "Newer" compares resource versions as numbers: this project's stores hand out increasing
 * integers per keyspace (libs/store), and both copies come from the same API server. Were a
 * version ever not a number, the informer's copy wins.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type {
  KindRef,
  ObjectClient,
  ObjectEventType,
  ObjectListOptions,
  ObjectWatchOptions,
} from "@ironcore-ts/client";

interface Entry {
  obj: ApiObject;
  at: number;
}

function idOf(ref: KindRef, namespace: string | undefined, name: string): string {
  return `${ref.apiVersion}|${ref.kind}|${namespace ?? ""}/${name}`;
}

function version(obj: ApiObject | undefined): number {
  const n = Number(obj?.metadata.resourceVersion);
  return Number.isFinite(n) ? n : Number.NaN;
}

export class RecentWrites {
  private readonly entries = new Map<string, Entry>();
  private sweptAt = Date.now();

  constructor(private readonly ttlMs = 30_000) {}

  remember(ref: KindRef, obj: ApiObject): void {
    if (!obj.metadata.name) return;
    this.entries.set(idOf(ref, obj.metadata.namespace, obj.metadata.name), { obj, at: Date.now() });
    this.sweep();
  }

  forget(ref: KindRef, namespace: string | undefined, name: string): void {
    this.entries.delete(idOf(ref, namespace, name));
  }

  /**
   * The newer of the cached object and apinetlet's last write of it. With `cached` undefined
   * the object is taken as gone (an informer reports deletions) unless `orWritten`: then an
   * object apinetlet created or wrote a moment ago is returned (its create event may be on its way).
   */
  latest<T extends ApiObject>(
    ref: KindRef,
    cached: T | undefined,
    where?: { namespace?: string; name: string; orWritten: true },
  ): T | undefined {
    const namespace = cached?.metadata.namespace ?? where?.namespace;
    const name = cached?.metadata.name ?? where?.name;
    if (!name) return cached;
    const id = idOf(ref, namespace, name);
    const entry = this.entries.get(id);
    if (!entry) return cached;
    if (Date.now() - entry.at > this.ttlMs) {
      this.entries.delete(id);
      return cached;
    }
    if (!cached) return where?.orWritten ? (entry.obj as T) : undefined;
    if (version(entry.obj) > version(cached)) return entry.obj as T;
    // The informer has caught up (or is ahead): our copy is no longer needed.
    this.entries.delete(id);
    return cached;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.sweptAt < this.ttlMs) return;
    this.sweptAt = now;
    for (const [id, entry] of this.entries) if (now - entry.at > this.ttlMs) this.entries.delete(id);
  }
}

/** An ObjectClient that records what its writes returned in a RecentWrites. */
export class RecentWritesClient implements ObjectClient {
  constructor(
    private readonly inner: ObjectClient,
    readonly writes: RecentWrites,
  ) {}

  private record<T extends ApiObject>(ref: KindRef, obj: T): T {
    this.writes.remember(ref, obj);
    return obj;
  }

  private refOf(obj: ApiObject): KindRef {
    return { apiVersion: obj.apiVersion ?? "", kind: obj.kind ?? "" };
  }

  /** A fresh read is as good as a write: it is at least as new as the cache. */
  async get<T extends ApiObject>(ref: KindRef, namespace: string | undefined, name: string): Promise<T> {
    return this.record(ref, await this.inner.get<T>(ref, namespace, name));
  }

  list<T extends ApiObject>(
    ref: KindRef,
    options?: ObjectListOptions,
  ): Promise<{ items: T[]; resourceVersion: string }> {
    return this.inner.list<T>(ref, options);
  }

  async create<T extends ApiObject>(obj: T): Promise<T> {
    return this.record(this.refOf(obj), await this.inner.create(obj));
  }

  async apply<T extends ApiObject>(obj: T): Promise<T> {
    return this.record(this.refOf(obj), await this.inner.apply(obj));
  }

  async update<T extends ApiObject>(obj: T, options?: { status?: boolean }): Promise<T> {
    return this.record(this.refOf(obj), await this.inner.update(obj, options));
  }

  async patch<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    patch: JsonObject,
    options?: { status?: boolean },
  ): Promise<T> {
    return this.record(ref, await this.inner.patch<T>(ref, namespace, name, patch, options));
  }

  async delete<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    options?: { resourceVersion?: string; propagationPolicy?: string },
  ): Promise<T> {
    try {
      const left = await this.inner.delete<T>(ref, namespace, name, options);
      // Held by finalizers: it is still there, now with a deletionTimestamp.
      if ((left.metadata.finalizers ?? []).length > 0) this.writes.remember(ref, left);
      else this.writes.forget(ref, namespace, name);
      return left;
    } catch (err) {
      this.writes.forget(ref, namespace, name);
      throw err;
    }
  }

  watch<T extends ApiObject>(
    ref: KindRef,
    options?: ObjectWatchOptions,
  ): AsyncIterable<{ type: ObjectEventType; object: T }> {
    return this.inner.watch<T>(ref, options);
  }
}
