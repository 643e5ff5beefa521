/**
 * The claimer side of IPs, repaired asynchronously:
 *  - adoption: an IP created for a claimer during the claimer's own create carries the
 *    controlled-by annotation but no owner reference yet (the generic garbage collector would
 *    delete an IP whose owner is not stored yet); once the claimer exists, the controller
 *    reference is added;
 *  - release: an IP whose claimer is gone (and whose claim is older than the grace period) is
 *    deleted if the claimer controlled it, else its claimRef is cleared, so the address can be
 *    claimed again (e.g. a VirtualIP's IP after its NIC vanished without its release hook).
 */
import { isApiError, splitObjectKey } from "@ironcore-ts/apimachinery";
import type { ObjectClient } from "@ironcore-ts/client";
import { Controller, type Manager } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import { ageMs, apinetControllerRef, type Claims, claimedAt, claimerKindOf } from "../allocation/claims.js";
import { annotations, apinetRefs } from "../apinet.js";
import type { IPObject } from "../kinds/ip.js";
import { claimerUidIndex, indexByClaimer, informerFor } from "./claimGC.js";

export interface IPClaimControllerOptions {
  manager: Manager;
  client: ObjectClient;
  claims: Claims;
  logger: Logger;
}

export function ipClaimController(o: IPClaimControllerOptions): Controller {
  const ips = informerFor<IPObject>(o.manager, o.client, apinetRefs.IP);
  indexByClaimer(ips);

  const controller = new Controller({
    name: "ipclaim",
    logger: o.logger,
    concurrency: 4,
    reconcile: async (key, _signal, log) => {
      const { namespace, name } = splitObjectKey(key);
      let ip: IPObject;
      try {
        ip = await o.client.get<IPObject>(apinetRefs.IP, namespace, name);
      } catch (err) {
        if (isApiError(err, "NotFound")) return;
        throw err;
      }
      const ref = ip.spec?.claimRef;
      const claimerKind = claimerKindOf(ref?.resource);
      if (!ref?.uid || !claimerKind || ip.metadata.deletionTimestamp) return;
      const controlled =
        ip.metadata.annotations?.[annotations.controlledBy] === ref.uid ||
        (ip.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === ref.uid);
      const state = await o.claims.claimerState(ref, namespace);
      const resourceVersion = ip.metadata.resourceVersion ?? null;
      try {
        if (state === "present") {
          const hasController = (ip.metadata.ownerReferences ?? []).some((r) => r.controller);
          if (!controlled || hasController) return;
          const owner = apinetControllerRef(claimerKind.kind, ref.name ?? "", ref.uid);
          // JSON round trip: owner references are plain JSON, the patch type wants JsonValue.
          const ownerReferences = JSON.parse(JSON.stringify([...(ip.metadata.ownerReferences ?? []), owner]));
          await o.client.patch(apinetRefs.IP, namespace, name, {
            metadata: { resourceVersion, ownerReferences },
          });
          return;
        }
        if (state !== "gone") return;
        const age = ageMs(claimedAt(ip));
        if (age < o.claims.gracePeriodMs) return { requeueAfter: o.claims.gracePeriodMs - age + 100 };
        if (controlled) {
          log.info({ claimer: ref }, "deleting IP whose controlling claimer is gone");
          await o.client.delete(apinetRefs.IP, namespace, name, { resourceVersion: resourceVersion ?? "" });
        } else {
          log.info({ claimer: ref }, "releasing IP whose claimer is gone");
          await o.client.patch(apinetRefs.IP, namespace, name, {
            metadata: { resourceVersion, annotations: { [annotations.claimedAt]: null } },
            spec: { claimRef: null },
          });
        }
      } catch (err) {
        // Changed or gone since read: the next event brings the new state.
        if (isApiError(err, "Conflict") || isApiError(err, "NotFound")) return { requeue: true };
        throw err;
      }
    },
  });
  controller.watch(ips);
  for (const ref of [apinetRefs.NetworkInterface, apinetRefs.NATGateway, apinetRefs.LoadBalancer]) {
    controller.watch(informerFor(o.manager, o.client, ref), (obj) => {
      const uid = obj.metadata.uid;
      if (!uid) return [];
      return ips.byIndex(claimerUidIndex, uid).map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
    });
  }
  return controller;
}
