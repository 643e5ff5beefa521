/**
 * The storage contract every API server builds on. Values are opaque strings (the object's JSON);
 * the store owns the resource version, a single counter across the whole keyspace (like etcd's
 * revision), so versions from different collections compare and a watch can resume from any of
 * them.
 *
 * A collection is one resource type ("networking.ironcore.dev/networks"); names inside it are the
 * object keys ("namespace/name" or "name"). Every write appends its event to the collection's log in
 * the same atomic step, so what a watch sees and what a read returns can never disagree.
 *
 * Errors are ApiErrors from @ironcore-ts/apimachinery: NotFound, AlreadyExists, Conflict (resource
 * version precondition failed) and Expired (watch from a version older than the kept history).
 */
export interface StoreRecord {
  name: string;
  value: string;
  resourceVersion: number;
}

export type StoreEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: StoreEventType;
  name: string;
  /** The new value; for DELETED the last value the object had. */
  value: string;
  /** The version of this write (for DELETED, the version of the deletion itself). */
  resourceVersion: number;
}

export interface ListOptions {
  /** Only names starting with this prefix ("default/" lists one namespace). */
  prefix?: string;
}

export interface ListResult {
  items: StoreRecord[];
  /** The store version at which this list was taken: watch from here for what comes next. */
  resourceVersion: number;
}

export interface WatchOptions {
  /** Deliver events with a version strictly greater than this. 0 = from now on. */
  fromResourceVersion: number;
  prefix?: string;
  signal?: AbortSignal;
}

export interface Store {
  get(collection: string, name: string): Promise<StoreRecord | undefined>;
  list(collection: string, options?: ListOptions): Promise<ListResult>;
  /** Fails with AlreadyExists if the name is taken. */
  create(collection: string, name: string, value: string): Promise<StoreRecord>;
  /**
   * Replaces the value. With `expectedResourceVersion`, fails with Conflict unless the stored
   * version equals it. Fails with NotFound if absent.
   */
  update(
    collection: string,
    name: string,
    value: string,
    expectedResourceVersion?: number,
  ): Promise<StoreRecord>;
  /** Removes the object; returns its last value with the version of the deletion. */
  delete(collection: string, name: string, expectedResourceVersion?: number): Promise<StoreRecord>;
  /**
   * Events after `fromResourceVersion` in version order, without gaps or duplicates, then live
   * events until the signal aborts. Throws Expired (before yielding anything) if events after
   * that version were already compacted away: the caller must list again.
   */
  watch(collection: string, options: WatchOptions): AsyncIterable<StoreEvent>;
  /** The version of the last write anywhere in this store. */
  currentResourceVersion(): Promise<number>;
  close(): Promise<void>;
}
