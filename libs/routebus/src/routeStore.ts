/**
 * The storage a route bus client runs on: two key-value buckets with per-key last-value retention and
 * watches that start with a snapshot. JetStream KV provides it for NATS (natsRouteStore.ts); an
 * in-process hub for the embedded default (memoryRouteHub.ts). Everything the protocol promises is
 * built on top of this in storeRouteBus.ts, once, for both.
 */

export type BucketName = "routes" | "sessions";

export interface StoredEntry {
  key: string;
  /** Storage sequence of this write (JetStream stream sequence). */
  revision: number;
  /** Storage clock time of the write (ms). */
  createdMs: number;
  /** null for a deleted or purged key. */
  value: Uint8Array | null;
}

/**
 * Receives a watch: `reset` starts a full snapshot (last entry per key, deletions included), `synced`
 * ends it; later entries are live. After a reconnect the store starts over with `reset`, so the sink
 * can drop whatever the new snapshot no longer holds.
 */
export interface WatchSink {
  reset(): void;
  entry(entry: StoredEntry): void;
  synced(): void;
}

export interface StoreWatch {
  stop(): void;
}

/**
 * connected: reads and writes work; disconnected: they fail or wait, watches are suspended;
 * closed: the connection is gone for good (closed by its owner or lost for good).
 */
export type ConnectionState = "connected" | "disconnected" | "closed";

export interface RouteStore {
  /** Connects and makes sure the buckets exist. */
  open(): Promise<void>;
  readonly state: ConnectionState;
  /** Called on every state change after open(); "connected" comes once watches are being restarted. */
  onStateChange(listener: (state: ConnectionState) => void): void;
  put(bucket: BucketName, key: string, value: Uint8Array): Promise<number>;
  get(bucket: BucketName, key: string): Promise<StoredEntry | null>;
  /** Deletes a key; with `ifRevision`, only if that is still its latest write (false otherwise). */
  delete(bucket: BucketName, key: string, ifRevision?: number): Promise<boolean>;
  /** Keys holding a value (not deleted) that match a subject-style filter ("*" one token, ">" the rest). */
  keys(bucket: BucketName, filter: string): Promise<string[]>;
  watch(bucket: BucketName, filter: string, sink: WatchSink): StoreWatch;
  /** Drops deletion markers older than `olderThanMs` from the routes bucket; returns how many went. */
  compact(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}

/** A matcher for one filter, with the common shapes (">" and "<vni>.>") reduced to string tests. */
export function keyMatcher(filter: string): (key: string) => boolean {
  if (filter === ">") return () => true;
  if (filter.endsWith(".>") && !filter.includes("*") && filter.indexOf(">") === filter.length - 1) {
    const prefix = filter.slice(0, -1);
    return (key) => key.length > prefix.length && key.startsWith(prefix);
  }
  return (key) => keyMatches(filter, key);
}

/** Subject-style match of a key against a filter: "*" matches one token, a final ">" the rest. */
export function keyMatches(filter: string, key: string): boolean {
  if (filter === ">") return true;
  const f = filter.split(".");
  const k = key.split(".");
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === ">") return k.length > i;
    if (i >= k.length) return false;
    if (token !== "*" && token !== k[i]) return false;
  }
  return f.length === k.length;
}
