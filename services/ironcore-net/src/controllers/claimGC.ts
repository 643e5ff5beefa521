/**
 * Garbage collection of claim objects whose claimer is gone (upstream `networkidgc` and
 * `ipaddressgc`, plus the same for NetworkIPClaims), and release of deleting IPAddresses whose
 * IP is gone (upstream `ipaddress` controller: the protection finalizer goes then).
 *
 * The admission hooks release claims synchronously; this repairs what a process that died
 * between a write and its hook left behind. A claim is only collected once it is older than the
 * grace period: a claim without its claimer is normally a create still in flight.
 */
import { type ApiObject, isApiError, splitObjectKey } from "@ironcore-ts/apimachinery";
import { type KindRef, listWatcherFor, type ObjectClient } from "@ironcore-ts/client";
import { Controller, type Informer, type Manager } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import { ageMs, type ClaimObject, type Claims, claimedAt } from "../allocation/claims.js";

export const claimerUidIndex = "claimer-uid";

/** The shared informer of a kind in this manager (one per kind, keyed by its name). */
export function informerFor<T extends ApiObject>(
  manager: Manager,
  client: ObjectClient,
  ref: KindRef,
): Informer<T> {
  return manager.informer(listWatcherFor<T>(client, ref), { key: ref.kind, name: ref.kind });
}

/** Indexes a kind's informer by spec.claimRef.uid (once per informer). */
export function indexByClaimer<T extends ClaimObject>(informer: Informer<T>): void {
  try {
    informer.addIndex(claimerUidIndex, (obj) => {
      const uid = obj.spec?.claimRef?.uid;
      return uid ? [uid] : [];
    });
  } catch {
    // Already indexed by another controller of this manager.
  }
}

export interface ClaimGCOptions {
  name: string;
  manager: Manager;
  client: ObjectClient;
  claims: Claims;
  /** The claim kind (NetworkID, IPAddress, NetworkIPClaim). */
  claim: KindRef;
  /** The kinds that make these claims: their deletions wake the collector. */
  claimers: readonly KindRef[];
  logger: Logger;
}

export function claimGarbageCollector(o: ClaimGCOptions): Controller {
  const claimInformer = informerFor<ClaimObject>(o.manager, o.client, o.claim);
  indexByClaimer(claimInformer);

  const controller = new Controller({
    name: o.name,
    logger: o.logger,
    concurrency: 4,
    reconcile: async (key, _signal, log) => {
      const { namespace, name } = splitObjectKey(key);
      let claim: ClaimObject;
      try {
        claim = await o.client.get<ClaimObject>(o.claim, namespace, name);
      } catch (err) {
        if (isApiError(err, "NotFound")) return;
        throw err;
      }
      const state = await o.claims.claimerState(claim.spec?.claimRef, claim.metadata.namespace);
      if (state !== "gone") return;
      // An explicitly deleted claim (waiting on its protection finalizer) goes at once.
      if (!claim.metadata.deletionTimestamp) {
        const age = ageMs(claimedAt(claim));
        if (age < o.claims.gracePeriodMs) return { requeueAfter: o.claims.gracePeriodMs - age + 100 };
      }
      log.info({ claimer: claim.spec?.claimRef }, `releasing ${o.claim.kind} whose claimer is gone`);
      await o.claims.remove(claim, o.claim);
    },
  });
  controller.watch(claimInformer);
  for (const ref of o.claimers) {
    const claimers = informerFor(o.manager, o.client, ref);
    controller.watch(claimers, (obj) => {
      const uid = obj.metadata.uid;
      if (!uid) return [];
      return claimInformer.byIndex(claimerUidIndex, uid).map((c) => {
        const ns = c.metadata.namespace;
        return ns ? `${ns}/${c.metadata.name}` : (c.metadata.name ?? "");
      });
    });
  }
  return controller;
}
