/**
 * natgatewayautoscaler (upstream NATGatewayAutoscalerReconciler): keeps a NATGateway's number of
 * public IPs between `minPublicIPs` and `maxPublicIPs` so that every NIC asking for NAT can get a
 * port slice. Reference: ironcore-net.md section 4 (apinetlet creates one per gateway with 1..10).
 *
 * desired = ceil(status.requestedNATIPs / slotsPerIP), clamped to [min, max].
 * (quirk) Upstream computes `len(ips) − trunc((total − requested) / slotsPerIP)`, which truncates
 * toward zero: it only grows once the deficit reaches a whole IP's worth of slots, so up to
 * slotsPerIP−1 NICs stay without NAT. Here it grows as soon as any NIC lacks a slot, and shrinks
 * only by whole spare IPs (the ceiling).
 *
 * Growing appends `{name: <random>}` entries to the gateway's `spec.ips` (the server allocates
 * the addresses); shrinking removes entries from the end, but only entries no NIC has a slice on
 * (upstream removes them regardless, cutting the NICs on them off until they get a new slice).
 * The NAT controller fills the first IPs first, so the last ones empty out as NICs leave. Writes
 * carry the gateway's resourceVersion (optimistic concurrency); a conflict looks again.
 */
import { isApiError, isControlledBy, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject } from "@ironcore-ts/controller";
import type { NATGatewayIPJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgateway_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import type { Logger } from "pino";
import { apinetRefs } from "../apinet.js";
import { slotsPerIP } from "../natPortSlices.js";
import {
  getIfExists,
  keyOf,
  type NATGatewayObject,
  type NATTableObject,
  randomSuffix,
  requeueOnConflict,
} from "./controllerObjects.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { indexes } from "./networkInformers.js";

/** Length of generated IP entry names (upstream: 10 random characters). */
const ipNameLength = 10;

/**
 * How many public IPs a gateway should have: enough slots for every requesting NIC, within
 * [min, max]. An unset min is 0; an unset max is no upper bound (the API allows leaving it out).
 */
export function desiredPublicIPs(
  requested: number,
  slots: number,
  minPublicIPs: number | undefined,
  maxPublicIPs: number | undefined,
): number {
  let desired = slots > 0 ? Math.ceil(Math.max(requested, 0) / slots) : 0;
  desired = Math.max(desired, minPublicIPs ?? 0);
  if (maxPublicIPs !== undefined) desired = Math.min(desired, maxPublicIPs);
  return desired;
}

/** Addresses that carry at least one NIC's slice in the gateway's NATTable. */
function addressesInUse(table: NATTableObject | undefined, gw: NATGatewayObject): Set<string> {
  const inUse = new Set<string>();
  if (!table || !isControlledBy(table, gw)) return inUse;
  for (const natIP of table.ips ?? []) {
    if (natIP.ip && (natIP.sections ?? []).length > 0) inUse.add(canonicalIP(natIP.ip) ?? natIP.ip);
  }
  return inUse;
}

/**
 * The new `spec.ips` for `desired` entries: new named entries appended, or unused entries removed
 * from the end (stopping at the first one in use). Undefined if nothing changes.
 */
export function scaledIPs(
  current: readonly NATGatewayIPJson[],
  desired: number,
  inUse: ReadonlySet<string>,
): NATGatewayIPJson[] | undefined {
  if (desired > current.length) {
    const names = new Set(current.map((e) => e.name));
    const added: NATGatewayIPJson[] = [];
    while (current.length + added.length < desired) {
      const name = randomSuffix(ipNameLength);
      if (names.has(name)) continue;
      names.add(name);
      added.push({ name });
    }
    return [...current, ...added];
  }
  let keep = current.length;
  while (keep > desired) {
    const last = current[keep - 1]!;
    if (last.ip && inUse.has(canonicalIP(last.ip) ?? last.ip)) break;
    keep--;
  }
  return keep === current.length ? undefined : current.slice(0, keep);
}

export function natGatewayAutoscalerReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const autoscaler = informers.natGatewayAutoscalers.get(key);
    if (!autoscaler || isDeleting(autoscaler)) return;
    const gwName = autoscaler.spec?.natGatewayRef?.name;
    const gw = gwName ? informers.natGateways.get(keyOf(autoscaler.metadata.namespace, gwName)) : undefined;
    if (!gw || isDeleting(gw)) {
      log.debug({ natGateway: gwName }, "NAT gateway not found; waiting for it");
      return;
    }
    const ppn = gw.spec?.portsPerNetworkInterface ?? 0;
    if (ppn <= 0) return;
    const { minPublicIPs, maxPublicIPs } = autoscaler.spec ?? {};
    const requested = gw.status?.requestedNATIPs ?? 0;
    const desired = desiredPublicIPs(requested, slotsPerIP(ppn), minPublicIPs, maxPublicIPs);
    const current = gw.spec?.ips ?? [];
    if (desired === current.length) return;

    // Only shrinking needs the table; read it fresh, so an IP the NAT controller just started
    // using is not taken away on the word of a stale cache.
    const inUse =
      desired < current.length
        ? addressesInUse(
            await getIfExists(
              client.get<NATTableObject>(apinetRefs.NATTable, gw.metadata.namespace, gw.metadata.name!),
            ),
            gw,
          )
        : new Set<string>();
    const ips = scaledIPs(current, desired, inUse);
    if (!ips) {
      log.debug({ desired, current: current.length }, "the IPs that could go are still in use");
      return;
    }
    try {
      await patchIPs(gw, ips);
    } catch (err) {
      // A public pool with fewer free addresses than asked for refuses the whole write: take
      // what there is, one IP at a time, rather than nothing.
      if (!isApiError(err, "ResourceExhausted") || ips.length <= current.length + 1) throw err;
      log.warn({ err, desired }, "public IP pool cannot satisfy the whole growth; adding one IP");
      await patchIPs(gw, ips.slice(0, current.length + 1));
    }
    log.info(
      { natGateway: objectKey(gw.metadata), from: current.length, to: ips.length, desired, requested },
      "scaled NAT gateway public IPs",
    );
  }

  function patchIPs(gw: NATGatewayObject, ips: NATGatewayIPJson[]) {
    return client.patch(apinetRefs.NATGateway, gw.metadata.namespace, gw.metadata.name!, {
      metadata: { resourceVersion: gw.metadata.resourceVersion! },
      spec: { ips: ips.map((e) => ({ ...e })) },
    });
  }

  const autoscalersOf = (namespace: string | undefined, gwName: string): string[] =>
    informers.natGatewayAutoscalers
      .byIndex(indexes.natGateway, keyOf(namespace, gwName))
      .map((a) => objectKey(a.metadata));

  return new Controller({
    name: "natgatewayautoscaler",
    logger: ctx.logger,
    concurrency: 2,
    reconcile: requeueOnConflict(reconcile),
  })
    .watch(informers.natGatewayAutoscalers, enqueueObject())
    .watch(
      informers.natGateways,
      enqueueMapped((gw: NATGatewayObject) => autoscalersOf(gw.metadata.namespace, gw.metadata.name!)),
    )
    .watch(
      // A slice leaving the last IP may be what lets it go.
      informers.natTables,
      enqueueMapped((table: NATTableObject) => autoscalersOf(table.metadata.namespace, table.metadata.name!)),
    );
}
