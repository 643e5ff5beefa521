import { type ApiObject, controllerOf, objectKey } from "@ironcore-ts/apimachinery";

/** Turns an object an informer reports into the keys of the objects a controller must reconcile. */
export type EventMapper<T extends ApiObject> = (obj: T) => readonly string[];

/** Reconcile the object itself: its own `namespace/name` key. */
export function enqueueObject<T extends ApiObject>(): EventMapper<T> {
  return (obj) => [objectKey(obj.metadata)];
}

/** The API group of an apiVersion: `networking.ironcore.dev/v1alpha1` -> `networking.ironcore.dev`, `v1` -> ``. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * Reconcile the object's controller owner (the owner reference with `controller: true`) when it
 * is of `ownerKind`, under the key `namespace/ownerName`: owners and the objects they own live in
 * one namespace. With `ownerApiVersion`, the owner's API group must match too; versions are not
 * compared, since one object is reachable under every served version of its group.
 */
export function enqueueOwner<T extends ApiObject>(
  ownerKind: string,
  ownerApiVersion?: string,
): EventMapper<T> {
  const group = ownerApiVersion === undefined ? undefined : groupOf(ownerApiVersion);
  return (obj) => {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== ownerKind) return [];
    if (group !== undefined && groupOf(ref.apiVersion) !== group) return [];
    return [objectKey({ namespace: obj.metadata.namespace, name: ref.name })];
  };
}

/**
 * Reconcile whatever `fn` says, for relations that are not ownership (a NetworkInterface -> the
 * Network it names). `fn` may return one key, several, or nothing.
 */
export function enqueueMapped<T extends ApiObject>(
  fn: (obj: T) => string | readonly string[] | undefined | null,
): EventMapper<T> {
  return (obj) => {
    const keys = fn(obj);
    if (keys === undefined || keys === null) return [];
    return typeof keys === "string" ? [keys] : keys;
  };
}
