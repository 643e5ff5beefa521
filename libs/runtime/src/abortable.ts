/**
 * Passes on the items of `source` until it ends or `signal` aborts. On abort it rejects at once
 * with the signal's reason, even while the source is still waiting for its next item, and asks the
 * source to stop (its `finally` blocks run once it wakes up). This keeps a stream from outliving its
 * call or the server when a handler does not watch its signal.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, void> {
  const it = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const r = await untilAborted(it.next(), signal);
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) void Promise.resolve(it.return?.()).catch(() => {});
  }
}

/** `p`, or a rejection with the signal's reason if the signal aborts first. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
