import type { Logger } from "./logger.js";
import type { BucketName, RouteStore, StoredEntry } from "./routeStore.js";

const window = 256;

/**
 * Keys a re-snapshot did not contain are read back one by one before they count as deleted: a
 * snapshot delivered over a freshly recovered connection can come up short, and withdrawing a live
 * origin's table over that would make every consumer flap. A live update for a key that arrives
 * while it is being checked wins over the check's answer.
 */
export class MissingKeyCheck {
  private readonly checking = new Set<string>();

  constructor(
    private readonly store: RouteStore,
    private readonly bucket: BucketName,
    /** Receives what storage holds now (value null when the key is really gone). */
    private readonly apply: (entry: StoredEntry) => void,
    private readonly active: () => boolean,
    private readonly log: Logger,
  ) {}

  /** A live entry for the key arrived: any pending check of it is moot. */
  seen(key: string): void {
    this.checking.delete(key);
  }

  check(keys: string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.checking.add(key);
    void (async () => {
      for (let i = 0; i < keys.length; i += window) {
        await Promise.all(keys.slice(i, i + window).map((key) => this.checkOne(key)));
      }
    })();
  }

  private async checkOne(key: string): Promise<void> {
    let stored: StoredEntry | null;
    try {
      stored = await this.store.get(this.bucket, key);
    } catch (err) {
      // Unknown: keep what we have; the next re-snapshot checks again.
      this.checking.delete(key);
      this.log.debug({ err, key }, "could not confirm a key missing from a snapshot");
      return;
    }
    if (!this.checking.delete(key) || !this.active()) return;
    this.apply(stored ?? { key, revision: 0, createdMs: 0, value: null });
  }
}
