interface Waiter<T> {
  match: (item: T) => boolean;
  resolve: (item: T) => void;
  timer: NodeJS.Timeout;
}

/** What a simulated endpoint received, with waiting for a matching item (tests, probes). */
export class PacketLog<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  push(item: T): void {
    this.items.push(item);
    for (const w of this.waiters) {
      if (w.match(item)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(item);
      }
    }
  }

  /** Position to pass as `since` to ignore what arrived before. */
  mark(): number {
    return this.items.length;
  }

  /** The first item from `since` on that matches, waiting up to `timeoutMs` for it. */
  waitFor(
    match: (item: T) => boolean,
    options: { since?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    for (let i = options.since ?? 0; i < this.items.length; i++) {
      if (match(this.items[i]!)) return Promise.resolve(this.items[i]!);
    }
    const timeoutMs = options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        match,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? "a packet"}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Items from `since` on that match (no waiting). */
  filter(match: (item: T) => boolean, since = 0): T[] {
    return this.items.slice(since).filter(match);
  }

  /** Collects items for `ms` and returns those that match (to assert that nothing arrives). */
  async collect(ms: number, match: (item: T) => boolean = () => true): Promise<T[]> {
    const since = this.mark();
    await new Promise((r) => setTimeout(r, ms));
    return this.filter(match, since);
  }

  close(): void {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
  }
}
