import type { ApiObject } from "@ironcore-ts/apimachinery";
import { isApiError } from "@ironcore-ts/apimachinery";
import type { Logger } from "pino";
import type { ResourceApi } from "./resourceApi.js";

interface Tracked {
  api: ResourceApi;
  namespace?: string;
  name: string;
  ownerUids: string[];
}

/**
 * Deletes objects whose owners are all gone, like the Kubernetes garbage collector: it watches
 * every kind, keeps an index owner uid -> dependents, and when an owner disappears (or a
 * dependent appears whose owners do not exist) it checks the owners against the store and
 * deletes the dependent. Because it starts from a full list, owners deleted while the server
 * was down are collected at start-up too.
 */
export class GarbageCollector {
  private readonly live = new Set<string>();
  private readonly objects = new Map<string, Tracked>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private synced = false;
  private running = 0;
  private drained: Array<() => void> = [];

  constructor(
    private readonly apis: readonly ResourceApi[],
    private readonly apiFor: (apiVersion: string, kind: string) => ResourceApi | undefined,
    private readonly logger: Logger,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    let initial = this.apis.length;
    const ready = new Promise<void>((resolve) => {
      for (const api of this.apis) {
        void this.follow(api, signal, () => {
          if (--initial === 0) resolve();
        });
      }
      if (initial === 0) resolve();
    });
    await ready;
    this.synced = true;
    // Only dependents can be garbage: objects with (served) owners none of which is alive.
    for (const [uid, tracked] of this.objects) {
      if (this.isOrphanCandidate(tracked)) this.schedule(uid);
    }
  }

  /** Resolves once no check is pending: for tests and orderly shutdown. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Dependents currently known for an owner (used for Orphan deletes). */
  dependentsOf(uid: string): Array<{ api: ResourceApi; namespace?: string; name: string }> {
    return [...(this.dependents.get(uid) ?? [])].flatMap((d) => {
      const t = this.objects.get(d);
      return t ? [{ api: t.api, namespace: t.namespace, name: t.name }] : [];
    });
  }

  private async follow(api: ResourceApi, signal: AbortSignal, onInitialList: () => void): Promise<void> {
    let listed = false;
    let resourceVersion = "";
    while (!signal.aborted) {
      try {
        if (!listed) {
          const list = await api.list();
          for (const obj of list.items) this.observe(api, obj);
          resourceVersion = list.resourceVersion;
          listed = true;
          onInitialList();
        }
        for await (const ev of api.watch({ resourceVersion, signal })) {
          resourceVersion = ev.object.metadata.resourceVersion ?? resourceVersion;
          if (ev.type === "DELETED") this.forget(ev.object);
          else if (ev.type !== "BOOKMARK") this.observe(api, ev.object);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isApiError(err, "Expired")) resourceVersion = "";
        this.logger.warn({ err, kind: api.def.kind }, "garbage collector watch failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private observe(api: ResourceApi, obj: ApiObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const ownerUids = (obj.metadata.ownerReferences ?? [])
      .filter((r) => this.apiFor(r.apiVersion, r.kind))
      .map((r) => r.uid);
    const previous = this.objects.get(uid);
    for (const o of previous?.ownerUids ?? []) this.dependents.get(o)?.delete(uid);
    this.live.add(uid);
    this.objects.set(uid, { api, namespace: obj.metadata.namespace, name: obj.metadata.name!, ownerUids });
    for (const o of ownerUids) {
      let set = this.dependents.get(o);
      if (!set) {
        set = new Set();
        this.dependents.set(o, set);
      }
      set.add(uid);
    }
    if (this.isOrphanCandidate({ ownerUids })) this.schedule(uid);
  }

  private isOrphanCandidate(tracked: Pick<Tracked, "ownerUids">): boolean {
    return tracked.ownerUids.length > 0 && !tracked.ownerUids.some((o) => this.live.has(o));
  }

  private forget(obj: ApiObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.live.delete(uid);
    const tracked = this.objects.get(uid);
    for (const o of tracked?.ownerUids ?? []) this.dependents.get(o)?.delete(uid);
    this.objects.delete(uid);
    for (const d of this.dependents.get(uid) ?? []) this.schedule(d);
  }

  private schedule(uid: string): void {
    if (!this.synced) return;
    this.pending.add(uid);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running > 0) return;
    this.running++;
    try {
      while (this.pending.size > 0) {
        const uid = this.pending.values().next().value as string;
        this.pending.delete(uid);
        await this.collectIfOrphaned(uid).catch((err) => {
          this.logger.warn(
            { err, uid },
            "garbage collection of a dependent failed; will retry on the next event",
          );
        });
      }
    } finally {
      this.running--;
      if (this.pending.size === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** Deletes the dependent unless one of its owners still exists (checked against the store). */
  private async collectIfOrphaned(uid: string): Promise<void> {
    const tracked = this.objects.get(uid);
    if (!tracked) return;
    const current = await tracked.api.get(tracked.namespace, tracked.name).catch((err: unknown) => {
      if (isApiError(err, "NotFound")) return undefined;
      throw err;
    });
    if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return;
    const refs = current.metadata.ownerReferences ?? [];
    // An object without owners is nobody's dependent; one with an owner of a kind this server
    // does not serve cannot be judged here. Neither is ever collected.
    if (refs.length === 0) return;
    for (const ref of refs) {
      const ownerApi = this.apiFor(ref.apiVersion, ref.kind);
      if (!ownerApi) return;
      const owner = await ownerApi
        .get(ownerApi.def.namespaced ? current.metadata.namespace : undefined, ref.name)
        .catch(() => undefined);
      if (owner && owner.metadata.uid === ref.uid) return;
    }
    this.logger.info(
      { kind: tracked.api.def.kind, key: `${tracked.namespace ?? ""}/${tracked.name}` },
      "deleting dependent whose owners are gone",
    );
    await tracked.api.delete(tracked.namespace, tracked.name).catch((err: unknown) => {
      if (!isApiError(err, "NotFound")) throw err;
    });
  }
}
