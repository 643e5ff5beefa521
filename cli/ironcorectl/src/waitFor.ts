import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { ResourceClient } from "@ironcore-ts/client";
import { asApiError, isNotFound } from "./errors.js";
import { type KindInfo, refOf } from "./kindResolver.js";

export interface WaitTarget {
  kind: KindInfo;
  namespace?: string;
  name: string;
}

export interface WaitOptions {
  /** 0: check once; Infinity: no limit. */
  timeoutMs: number;
  /** The object must exist when the wait starts (kubectl: waiting on a missing object is NotFound). */
  mustExist: boolean;
  signal?: AbortSignal;
}

/**
 * Waits until `met` holds for the object (undefined once it does not exist): a Get, then a
 * Watch from the Get's resourceVersion, so no change between the two is missed and nothing is
 * polled. Resolves true when met, false at the timeout.
 */
export async function waitUntil(
  client: ResourceClient,
  target: WaitTarget,
  met: (obj: ApiObject | undefined) => boolean,
  options: WaitOptions,
): Promise<boolean> {
  const ref = refOf(target.kind);
  const namespace = target.namespace ?? "";
  const controller = new AbortController();
  const timer = Number.isFinite(options.timeoutMs)
    ? setTimeout(() => controller.abort(), options.timeoutMs)
    : undefined;
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort);
  try {
    let first = true;
    while (!controller.signal.aborted) {
      let current: ApiObject | undefined;
      let from: string | undefined;
      try {
        current = await client.get(ref, target.namespace, target.name);
        from = current.metadata.resourceVersion;
      } catch (err) {
        if (!isNotFound(err) || (first && options.mustExist)) throw err;
        // Nothing to take a version from: the collection's version says "from now".
        from = (await client.list(ref, { namespace })).resourceVersion;
      }
      first = false;
      if (met(current)) return true;
      if (options.timeoutMs === 0) return false;
      try {
        for await (const ev of client.watch(ref, {
          namespace,
          resourceVersion: from,
          signal: controller.signal,
        })) {
          if (ev.type === "BOOKMARK" || ev.object.metadata.name !== target.name) continue;
          current = ev.type === "DELETED" ? undefined : ev.object;
          if (met(current)) return true;
        }
      } catch (err) {
        // The history is gone (Expired): Get again and watch from there.
        if (asApiError(err)?.reason !== "Expired") throw err;
      }
    }
    return false;
  } finally {
    clearTimeout(timer);
    // Ends the watch stream on the server too; leaving the loop alone does not cancel the call.
    controller.abort();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
