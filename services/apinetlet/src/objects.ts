/**
 * Small read/write helpers the reconcilers share. Reads come from informer caches; writes go
 * to the API servers and return what was stored, so one reconcile can carry on with fresh
 * objects instead of waiting for its own events.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { type ApiObject, isApiError } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import type { Reconciler } from "@ironcore-ts/controller";

/** `namespace/name`, the key informers and work queues use. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * A JSON merge patch from a typed value: undefined members are dropped (they would not survive
 * the wire anyway), null stays (it removes the member on the server).
 */
export function mergePatch(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * Deep equality of JSON values, treating absent, undefined, null, empty arrays and empty objects
 * alike: the server drops empty fields (proto3 JSON), so `[]` written comes back absent.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return stableJson(normalize(a)) === stableJson(normalize(b));
}

function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(normalize);
    return items.length === 0 ? undefined : items;
  }
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) {
      const n = normalize(value);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === "" || v === 0 || v === false) return undefined;
  return v;
}

/** The object, or undefined when it does not exist. */
export async function getIfExists<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

/**
 * Deletes an object and tells whether it is gone: true when it did not exist or went at once,
 * false while finalizers (someone else's clean-up) hold it.
 */
export async function deleteObject(
  client: ObjectClient,
  ref: KindRef,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    const left = await client.delete(ref, namespace, name);
    return (left.metadata.finalizers ?? []).length === 0;
  } catch (err) {
    if (isApiError(err, "NotFound")) return true;
    throw err;
  }
}

/** Deletes each object; true once all of them are gone. */
export async function deleteObjects(client: ObjectClient, ref: KindRef, objects: readonly ApiObject[]) {
  const gone = await Promise.all(
    objects.map((o) => deleteObject(client, ref, o.metadata.namespace, o.metadata.name ?? "")),
  );
  return gone.every(Boolean);
}

/**
 * Creates `obj`; when it exists already (a crash between create and the next step, or a cache
 * that has not seen our own create yet) returns the stored one instead. Names are ironcore uids,
 * so "exists" always means "ours": there is never a second copy.
 */
export async function createOrGet<T extends ApiObject>(
  client: ObjectClient,
  ref: KindRef,
  obj: T,
): Promise<{ object: T; created: boolean }> {
  try {
    return { object: await client.create(obj), created: true };
  } catch (err) {
    if (!isApiError(err, "AlreadyExists")) throw err;
    const object = await client.get<T>(ref, obj.metadata.namespace, obj.metadata.name ?? "");
    return { object, created: false };
  }
}

export function hasFinalizer(obj: ApiObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/** The merge patch that sets an object's finalizers, at the version they were read. */
function finalizersPatch(obj: ApiObject, finalizers: readonly string[], extra: Record<string, unknown> = {}) {
  return mergePatch({
    ...extra,
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      finalizers: finalizers.length > 0 ? finalizers : null,
    },
  });
}

/**
 * Adds a finalizer. Finalizer lists are shared (ironcore-api's network protection writes the same
 * list), and a merge patch replaces whole lists, so the patch carries the version the list was
 * read at. When that is stale (Conflict), the object is read afresh and the patch tried once more
 * at the fresh version - cheaper than waiting for a lagging cache. `extra` goes into the same
 * write (e.g. spec.providerID), saving a round trip.
 */
export async function addFinalizer<T extends ApiObject>(
  client: ObjectClient,
  ref: KindRef,
  obj: T,
  finalizer: string,
  extra: Record<string, unknown> = {},
): Promise<T> {
  const { namespace, name = "" } = obj.metadata;
  try {
    return await client.patch<T>(
      ref,
      namespace,
      name,
      finalizersPatch(obj, [...(obj.metadata.finalizers ?? []), finalizer], extra),
    );
  } catch (err) {
    if (!isApiError(err, "Conflict")) throw err;
  }
  const fresh = await client.get<T>(ref, namespace, name);
  if (hasFinalizer(fresh, finalizer) && Object.keys(extra).length === 0) return fresh;
  const finalizers = hasFinalizer(fresh, finalizer)
    ? (fresh.metadata.finalizers ?? [])
    : [...(fresh.metadata.finalizers ?? []), finalizer];
  return client.patch<T>(ref, namespace, name, finalizersPatch(fresh, finalizers, extra));
}

/** Removes a finalizer (same concurrency rule as addFinalizer); a vanished object is fine. */
export async function removeFinalizer(
  client: ObjectClient,
  ref: KindRef,
  obj: ApiObject,
  finalizer: string,
): Promise<void> {
  if (!hasFinalizer(obj, finalizer)) return;
  const { namespace, name = "" } = obj.metadata;
  const without = (o: ApiObject) => (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    await getIfExists(client.patch(ref, namespace, name, finalizersPatch(obj, without(obj))));
    return;
  } catch (err) {
    if (!isApiError(err, "Conflict")) throw err;
  }
  const fresh = await getIfExists(client.get(ref, namespace, name));
  if (!fresh || !hasFinalizer(fresh, finalizer)) return;
  await getIfExists(client.patch(ref, namespace, name, finalizersPatch(fresh, without(fresh))));
}

/**
 * Races are normal where several writers share objects and caches lag: a write with a stale
 * version is refused (Conflict), or an object vanished between the cache read and the write
 * (NotFound). The key is looked at again soon, once the cache has caught up, without an error
 * line, like controller-runtime's requeue on conflict. Everything else still fails the
 * reconcile and is retried with back-off.
 */
export function requeueOnRace(reconcile: Reconciler): Reconciler {
  return async (key, signal, log) => {
    try {
      return await reconcile(key, signal, log);
    } catch (err) {
      if (!isApiError(err, "Conflict") && !isApiError(err, "NotFound")) throw err;
      log.debug({ err: err.message, reason: err.reason }, "raced with another writer: looking again");
      return { requeue: true };
    }
  };
}

/** A `{status}` merge patch through the status subresource; returns the stored object. */
export function patchStatus<T extends ApiObject>(
  client: ObjectClient,
  ref: KindRef,
  obj: ApiObject,
  status: Record<string, unknown>,
): Promise<T> {
  return client.patch<T>(ref, obj.metadata.namespace, obj.metadata.name ?? "", mergePatch({ status }), {
    status: true,
  });
}

/** Distinct values in first-seen order. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
