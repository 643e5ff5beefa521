import type { StoreEvent } from "./store.js";

/**
 * The retained history of one collection in memory: the newest `limit` events, oldest first.
 * Remembers the version of the newest event it dropped, because a watch from V is only complete
 * if no event after V was dropped.
 */
export class EventLog {
  private events: StoreEvent[] = [];
  private head = 0;
  private trimmedThrough = 0;

  constructor(private readonly limit: number) {}

  append(event: StoreEvent): void {
    this.events.push(event);
    while (this.events.length - this.head > this.limit) {
      this.trimmedThrough = this.events[this.head]!.resourceVersion;
      this.head++;
    }
    // Drop the trimmed front in one go once it is as large as what is kept.
    if (this.head >= 1024 && this.head * 2 >= this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** True if some event after `version` was already dropped. */
  isExpired(version: number): boolean {
    return this.trimmedThrough > version;
  }

  oldestKept(): number | undefined {
    return this.events[this.head]?.resourceVersion;
  }

  /** The kept events with a version greater than `version`, in order. */
  after(version: number): StoreEvent[] {
    let low = this.head;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid]!.resourceVersion <= version) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low);
  }
}
