import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient, ObjectEventType } from "./objectClient.js";

/** The list+watch pair an informer consumes (structurally libs/controller's ListWatcher). */
export interface ObjectListWatcher<T extends ApiObject> {
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<{ type: ObjectEventType; object: T }>;
}

/** A ListWatcher for one kind (optionally one namespace or label selector) of any ObjectClient. */
export function listWatcherFor<T extends ApiObject>(
  client: ObjectClient,
  ref: KindRef,
  options: { namespace?: string; labelSelector?: string } = {},
): ObjectListWatcher<T> {
  return {
    list: () => client.list<T>(ref, options),
    watch: (resourceVersion, signal) => client.watch<T>(ref, { ...options, resourceVersion, signal }),
  };
}
