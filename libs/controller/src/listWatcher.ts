import type { ApiObject } from "@ironcore-ts/apimachinery";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

/** One change; a BOOKMARK carries only `metadata.resourceVersion` (progress without a change). */
export interface WatchEvent<T extends ApiObject> {
  type: WatchEventType;
  object: T;
}

/**
 * All an informer needs from an API server: a consistent list, and the changes after it.
 *
 * `watch` yields the events after `resourceVersion` until `signal` aborts. It throws an ApiError
 * with reason "Expired" when that version is older than the history the server kept; the caller
 * then has to list again. Any other error, or the stream ending, means "watch again from the last
 * version you saw".
 */
export interface ListWatcher<T extends ApiObject> {
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}
