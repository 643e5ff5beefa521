import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import type { Logger } from "pino";
import { indexes } from "./informers.js";
import { deleteObjects } from "./objects.js";
import { type OriginKind, originOf } from "./originMetadata.js";

export interface ApinetKindCache {
  /** The informer of the apinet kind (only its origin index is read). */
  informer: { byIndex(index: string, value: string): readonly ApiObject[] };
  ref: KindRef;
}

/**
 * Deletes the apinet objects made for the ironcore object `key` whose origin uid is not `uid`
 * (the ironcore object is gone, or was re-created under the same name). Kinds are deleted in the
 * order given: dependents (routings, autoscalers, rules) before the object they belong to.
 */
export async function deleteStaleApinetObjects(
  client: ObjectClient,
  origin: { kind: OriginKind; key: string; uid: string | undefined },
  kinds: readonly ApinetKindCache[],
  log: Logger,
  what: string,
): Promise<void> {
  const stale = kinds.map((k) =>
    k.informer
      .byIndex(indexes.origin, origin.key)
      .filter((a) => originOf(origin.kind, a)?.uid !== origin.uid),
  );
  if (stale.every((objects) => objects.length === 0)) return;
  for (const [i, k] of kinds.entries()) await deleteObjects(client, k.ref, stale[i]!);
  log.info({ apinet: stale.at(-1)!.map((s) => s.metadata.name) }, `deleted ${what}`);
}
