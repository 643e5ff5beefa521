/**
 * VirtualIP: ironcore VirtualIP -> apinet IP `<ironcore uid>` `{type: Public, ipFamily}`
 * (reference ironcore-net.md section 7). ironcore-net allocates the address when the IP is
 * created; it goes to `status.ip` with the condition Allocated=True.
 *
 * Pool exhaustion (ironcore-net answers RESOURCE_EXHAUSTED): `status.ip` stays empty, the
 * condition says Allocated=False/PoolExhausted with ironcore-net's message, and the VirtualIP is
 * retried (allocation.ts) until an address is free - no restart needed.
 *
 * Finalizer `apinet.ironcore.dev/virtualip`: on deletion the apinet IP is deleted (freeing the
 * address), then the finalizer goes.
 */
import { isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import {
  allocatedTrue,
  isPoolExhausted,
  poolExhaustedMessage,
  withAllocatedCondition,
} from "./allocation.js";
import { type ApinetletContext, isHandled, latest, latestOrWritten } from "./context.js";
import { indexes } from "./informers.js";
import {
  type ApinetIPObject,
  apinetApiVersion,
  apinetRefs,
  finalizers,
  ironcoreRefs,
  type VirtualIPObject,
} from "./kinds.js";
import { deletionPollMs } from "./networkReconciler.js";
import {
  addFinalizer,
  createOrGet,
  deleteObject,
  deleteObjects,
  hasFinalizer,
  keyOf,
  patchStatus,
  removeFinalizer,
  requeueOnRace,
} from "./objects.js";
import { originKey, originMetadata, originOf } from "./originMetadata.js";

export function virtualIPReconciler(ctx: ApinetletContext): Controller {
  const { settings, allocation } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;
  const waiterId = (key: string) => `virtualip:${key}`;

  async function finalize(vip: VirtualIPObject, log: Logger) {
    if (!hasFinalizer(vip, finalizers.virtualIP)) return;
    const gone = await deleteObject(ctx.apinet, apinetRefs.IP, namespace, vip.metadata.uid ?? "");
    if (!gone) {
      log.info("waiting for the apinet IP to be deleted");
      return { requeueAfter: deletionPollMs };
    }
    await removeFinalizer(ctx.ironcore, ironcoreRefs.VirtualIP, vip, finalizers.virtualIP);
    log.info("apinet IP deleted; finalizer removed");
  }

  async function setExhausted(vip: VirtualIPObject, message: string) {
    const conditions = withAllocatedCondition(vip.status?.conditions, poolExhaustedMessage(message));
    if (conditions || vip.status?.ip) {
      await patchStatus(ctx.ironcore, ironcoreRefs.VirtualIP, vip, { ip: null, conditions });
    }
  }

  async function apply(key: string, vip: VirtualIPObject, log: Logger) {
    const uid = vip.metadata.uid ?? "";
    const family = vip.spec?.ipFamily ?? "";
    const id = waiterId(key);
    const wake = () => controller.enqueue(key);
    let ip = latestOrWritten(ctx, apinetRefs.IP, an.ips.get(keyOf(namespace, uid)), namespace, uid);
    if (!ip) {
      if (!allocation.mayTry(id, family)) {
        // The pool of this family is known to be full: queue up without asking ironcore-net.
        await setExhausted(vip, allocation.message(family));
        return { requeueAfter: allocation.wait(id, family, wake) };
      }
      const desired: ApinetIPObject = {
        apiVersion: apinetApiVersion,
        kind: "IP",
        metadata: { namespace, name: uid, ...originMetadata("virtualip", vip) },
        spec: { type: "Public", ipFamily: vip.spec?.ipFamily },
      };
      try {
        const { object, created } = await createOrGet(ctx.apinet, apinetRefs.IP, desired);
        ip = object;
        if (created) log.info({ ip: object.spec?.ip }, "allocated public IP");
      } catch (err) {
        if (!isPoolExhausted(err)) {
          // Upstream: with no address yet, status.ip is null while the error lasts.
          if (vip.status?.ip) await patchStatus(ctx.ironcore, ironcoreRefs.VirtualIP, vip, { ip: null });
          throw err;
        }
        const message = (err as Error).message;
        await setExhausted(vip, message);
        log.info({ reason: message }, "no free public IP; waiting");
        return { requeueAfter: allocation.exhausted(id, family, message, wake) };
      }
    }
    allocation.allocated(id, family);
    if (isDeleting(ip)) {
      log.info("apinet IP is being deleted by someone else; waiting");
      return { requeueAfter: deletionPollMs };
    }
    // Created before the finalizer is added, as for networks (see networkReconciler.ts).
    if (!hasFinalizer(vip, finalizers.virtualIP)) {
      await addFinalizer(ctx.ironcore, ironcoreRefs.VirtualIP, vip, finalizers.virtualIP);
    }
    const address = ip.spec?.ip;
    const conditions = withAllocatedCondition(vip.status?.conditions, allocatedTrue());
    if ((address ?? "") !== (vip.status?.ip ?? "") || conditions) {
      await patchStatus(ctx.ironcore, ironcoreRefs.VirtualIP, vip, { ip: address || null, conditions });
      log.info({ ip: address }, "virtual IP status updated");
    }
  }

  const controller: Controller = new Controller({
    name: "virtualip",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: settings.concurrency,
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const vip = latest(ctx, ironcoreRefs.VirtualIP, ic.virtualIPs.get(key));
      if (vip && !isHandled(settings, vip)) return;
      const stale = an.ips
        .byIndex(indexes.origin, key)
        .filter((a) => originOf("virtualip", a)?.uid !== vip?.metadata.uid);
      if (stale.length > 0) {
        await deleteObjects(ctx.apinet, apinetRefs.IP, stale);
        log.info(
          { apinet: stale.map((s) => s.metadata.name) },
          "deleted apinet IPs whose virtual IP is gone",
        );
      }
      if (!vip || isDeleting(vip)) allocation.forget(waiterId(key));
      if (!vip) return;
      if (isDeleting(vip)) return finalize(vip, log);
      return apply(key, vip, log);
    }),
  })
    .watch(ic.virtualIPs)
    .watch(
      an.ips,
      enqueueMapped((ip: ApinetIPObject) => originKey("virtualip", ip)),
    );
  return controller;
}
