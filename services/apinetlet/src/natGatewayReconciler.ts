/**
 * NATGateway: ironcore NATGateway -> apinet NATGateway `<uid>` `{ipFamily, networkRef: <network
 * uid>, portsPerNetworkInterface (default 2048)}` plus NATGatewayAutoscaler `<uid>`
 * `{natGatewayRef, minPublicIPs: 1, maxPublicIPs: 10}` owned by it (reference ironcore-net.md
 * section 7). `status.ips` mirrors the apinet gateway's addresses.
 *
 * The gateway's IP list belongs to ironcore-net's autoscaler (it grows and shrinks it), so after
 * creation apinetlet never writes `spec.ips`. It does create the gateway with one dynamic entry
 * (upstream creates it with none and waits for the autoscaler, whose minimum is 1 anyway): the
 * first address is then there as soon as the gateway is, and an empty pool is reported where a
 * user can see it - the create fails with RESOURCE_EXHAUSTED and the NATGateway gets
 * Allocated=False/PoolExhausted, retried like a VirtualIP (allocation.ts). Addresses the
 * autoscaler fails to add later are ironcore-net's to report.
 *
 * Finalizer `apinet.ironcore.dev/natgateway`: deletion deletes autoscaler and gateway first.
 */
import { controllerOf, controllerReference, isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import {
  allocatedTrue,
  isPoolExhausted,
  poolExhaustedMessage,
  withAllocatedCondition,
} from "./allocation.js";
import type { ConditionValue } from "./conditions.js";
import { type ApinetletContext, isHandled, latest, latestOrWritten } from "./context.js";
import { indexes } from "./informers.js";
import {
  type ApinetNATGatewayAutoscalerObject,
  type ApinetNATGatewayObject,
  apinetApiVersion,
  apinetRefs,
  finalizers,
  ironcoreRefs,
  type NATGatewayObject,
  type NetworkObject,
} from "./kinds.js";
import { deletionPollMs } from "./networkReconciler.js";
import {
  addFinalizer,
  createOrGet,
  deleteObject,
  hasFinalizer,
  jsonEqual,
  keyOf,
  mergePatch,
  patchStatus,
  removeFinalizer,
  requeueOnRace,
} from "./objects.js";
import { originKey, originMetadata } from "./originMetadata.js";
import { deleteStaleApinetObjects } from "./staleApinetObjects.js";

export const defaultPortsPerNetworkInterface = 2048;
export const autoscalerMinPublicIPs = 1;
export const autoscalerMaxPublicIPs = 10;

export function natGatewayReconciler(ctx: ApinetletContext): Controller {
  const { settings, allocation } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;
  const waiterId = (key: string) => `natgateway:${key}`;

  async function finalize(gw: NATGatewayObject, log: Logger) {
    if (!hasFinalizer(gw, finalizers.natGateway)) return;
    const uid = gw.metadata.uid ?? "";
    const autoscalerGone = await deleteObject(ctx.apinet, apinetRefs.NATGatewayAutoscaler, namespace, uid);
    const gone = await deleteObject(ctx.apinet, apinetRefs.NATGateway, namespace, uid);
    if (!gone || !autoscalerGone) {
      log.info("waiting for the apinet NAT gateway to be deleted");
      return { requeueAfter: deletionPollMs };
    }
    await removeFinalizer(ctx.ironcore, ironcoreRefs.NATGateway, gw, finalizers.natGateway);
    log.info("apinet NAT gateway deleted; finalizer removed");
  }

  async function writeStatus(gw: NATGatewayObject, ips: string[], condition: ConditionValue, log: Logger) {
    const conditions = withAllocatedCondition(gw.status?.conditions, condition);
    if (jsonEqual(gw.status?.ips, ips) && !conditions) return;
    await patchStatus(ctx.ironcore, ironcoreRefs.NATGateway, gw, {
      ips: ips.length > 0 ? ips : null,
      conditions,
    });
    log.info({ ips }, "NAT gateway status updated");
  }

  async function apply(key: string, gw: NATGatewayObject, log: Logger) {
    const uid = gw.metadata.uid ?? "";
    const network: NetworkObject | undefined = ic.networks.get(
      keyOf(gw.metadata.namespace, gw.spec?.networkRef?.name ?? ""),
    );
    if (!network?.metadata.uid || isDeleting(network)) {
      log.info({ network: gw.spec?.networkRef?.name }, "waiting for the network");
      return;
    }
    const origin = originMetadata("natgateway", gw);
    const portsPerNetworkInterface = gw.spec?.portsPerNetworkInterface || defaultPortsPerNetworkInterface;
    let current = latestOrWritten(
      ctx,
      apinetRefs.NATGateway,
      an.natGateways.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    const family = gw.spec?.ipFamily ?? "";
    const id = waiterId(key);
    if (!current) {
      const wake = () => controller.enqueue(key);
      if (!allocation.mayTry(id, family)) {
        await writeStatus(gw, [], poolExhaustedMessage(allocation.message(family)), log);
        return { requeueAfter: allocation.wait(id, family, wake) };
      }
      const desired: ApinetNATGatewayObject = {
        apiVersion: apinetApiVersion,
        kind: "NATGateway",
        metadata: { namespace, name: uid, ...origin },
        spec: {
          ipFamily: gw.spec?.ipFamily,
          networkRef: { name: network.metadata.uid },
          portsPerNetworkInterface,
          ips: [{ name: "ip-0" }],
        },
      };
      try {
        const { object, created } = await createOrGet(ctx.apinet, apinetRefs.NATGateway, desired);
        current = object;
        if (created)
          log.info({ ips: (object.spec?.ips ?? []).map((e) => e.ip) }, "created apinet NAT gateway");
      } catch (err) {
        if (!isPoolExhausted(err)) throw err;
        const message = (err as Error).message;
        await writeStatus(gw, [], poolExhaustedMessage(message), log);
        log.info({ reason: message }, "no free public IP; waiting");
        return { requeueAfter: allocation.exhausted(id, family, message, wake) };
      }
    }
    allocation.allocated(id, family);
    if (current.spec?.portsPerNetworkInterface !== portsPerNetworkInterface) {
      current = await ctx.apinet.patch<ApinetNATGatewayObject>(
        apinetRefs.NATGateway,
        namespace,
        uid,
        mergePatch({ metadata: origin, spec: { portsPerNetworkInterface } }),
      );
      log.info({ portsPerNetworkInterface }, "updated apinet NAT gateway");
    }

    const autoscaler = latestOrWritten(
      ctx,
      apinetRefs.NATGatewayAutoscaler,
      an.natGatewayAutoscalers.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    const owner = controllerReference({ ...current, apiVersion: apinetApiVersion, kind: "NATGateway" });
    const autoscalerSpec = {
      natGatewayRef: { name: uid },
      minPublicIPs: autoscalerMinPublicIPs,
      maxPublicIPs: autoscalerMaxPublicIPs,
    };
    if (!autoscaler) {
      await createOrGet<ApinetNATGatewayAutoscalerObject>(ctx.apinet, apinetRefs.NATGatewayAutoscaler, {
        apiVersion: apinetApiVersion,
        kind: "NATGatewayAutoscaler",
        metadata: { namespace, name: uid, ...origin, ownerReferences: [owner] },
        spec: autoscalerSpec,
      });
    } else if (
      autoscaler.spec?.minPublicIPs !== autoscalerSpec.minPublicIPs ||
      autoscaler.spec?.maxPublicIPs !== autoscalerSpec.maxPublicIPs ||
      controllerOf(autoscaler)?.uid !== current.metadata.uid
    ) {
      await ctx.apinet.patch(
        apinetRefs.NATGatewayAutoscaler,
        namespace,
        uid,
        mergePatch({
          metadata: { ...origin, ownerReferences: [owner] },
          spec: { minPublicIPs: autoscalerSpec.minPublicIPs, maxPublicIPs: autoscalerSpec.maxPublicIPs },
        }),
      );
    }

    // Created before the finalizer is added, as for networks (see networkReconciler.ts).
    if (!hasFinalizer(gw, finalizers.natGateway)) {
      await addFinalizer(ctx.ironcore, ironcoreRefs.NATGateway, gw, finalizers.natGateway);
    }
    const ips = (current.spec?.ips ?? []).flatMap((e) => (e.ip ? [e.ip] : []));
    await writeStatus(gw, ips, allocatedTrue(), log);
  }

  const controller: Controller = new Controller({
    name: "natgateway",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: Math.max(2, Math.ceil(settings.concurrency / 4)),
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const gw = latest(ctx, ironcoreRefs.NATGateway, ic.natGateways.get(key));
      if (gw && !isHandled(settings, gw)) return;
      await deleteStaleApinetObjects(
        ctx.apinet,
        { kind: "natgateway", key, uid: gw?.metadata.uid },
        [
          { informer: an.natGatewayAutoscalers, ref: apinetRefs.NATGatewayAutoscaler },
          { informer: an.natGateways, ref: apinetRefs.NATGateway },
        ],
        log,
        "apinet NAT gateways whose NAT gateway is gone",
      );
      if (!gw || isDeleting(gw)) allocation.forget(waiterId(key));
      if (!gw) return;
      if (isDeleting(gw)) return finalize(gw, log);
      return apply(key, gw, log);
    }),
  })
    .watch(ic.natGateways)
    .watch(
      ic.networks,
      enqueueMapped((net: NetworkObject) =>
        ic.natGateways
          .byIndex(indexes.network, keyOf(net.metadata.namespace, net.metadata.name ?? ""))
          .map((gw) => keyOf(gw.metadata.namespace, gw.metadata.name ?? "")),
      ),
    )
    .watch(
      an.natGateways,
      enqueueMapped((a: ApinetNATGatewayObject) => originKey("natgateway", a)),
    )
    .watch(
      an.natGatewayAutoscalers,
      enqueueMapped((a: ApinetNATGatewayAutoscalerObject) => originKey("natgateway", a)),
    );
  return controller;
}
