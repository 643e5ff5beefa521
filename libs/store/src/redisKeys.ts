/**
 * Where a RedisStore keeps its data, all under one caller-chosen prefix so several stores (and
 * test runs) share a Redis without seeing each other.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** The resource version counter of the whole keyspace (INCR'd by every write). */
  get counter(): string {
    return `${this.prefix}rv`;
  }

  /** Hash: field = collection, value = version of the newest event trimmed from its stream. */
  get trimmed(): string {
    return `${this.prefix}trimmed`;
  }

  /** Hash: field = object name, value = "<resourceVersion> <value>". */
  objects(collection: string): string {
    return `${this.prefix}objects:${collection}`;
  }

  /** Stream of the collection's change events; entry ID = "<resourceVersion>-0". */
  events(collection: string): string {
    return `${this.prefix}events:${collection}`;
  }
}
