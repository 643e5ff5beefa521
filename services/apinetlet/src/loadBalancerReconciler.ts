/**
 * LoadBalancer: ironcore LoadBalancer (+ its LoadBalancerRouting) -> apinet LoadBalancer and
 * LoadBalancerRouting, both named `<ironcore uid>` (reference ironcore-net.md section 7).
 *
 * - IPs: Public -> one entry per ipFamily `{name: "ipv4"|"ipv6", ipFamily}`; ironcore-net
 *   allocates the addresses (an address already allocated is kept: the entry is re-sent with
 *   it). Internal -> `{name: "ip-<i>", ipFamily, ip}` from the literal IP or the ephemeral
 *   Prefix `<lb>-<i>` once Allocated.
 * - The instances are selected by the origin labels and spread over zones (required instance
 *   anti-affinity on `topology.core.apinet.ironcore.dev/zone`); with node-affinity awareness
 *   and destinations, they are also pinned to the destinations' nodes.
 * - Destinations: from the ironcore LoadBalancerRouting `<lb>`, `{ip, targetRef: {uid, name,
 *   nodeRef}}` with uid/name/node parsed from the target NIC's providerID (unparseable -> no
 *   targetRef; no ip -> skipped).
 * - `status.ips` = the apinet LoadBalancer's addresses; pool exhaustion shows as the Allocated
 *   condition (allocation.ts), like for VirtualIPs.
 * Finalizer `apinet.ironcore.dev/loadbalancer`: deletion deletes routing and load balancer first.
 */
import { controllerOf, controllerReference, isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueOwner } from "@ironcore-ts/controller";
import type {
  InstanceTemplateJson,
  LoadBalancerPortJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import type { LoadBalancerIPJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancer_pb.js";
import type { LoadBalancerDestinationJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancerrouting_pb.js";
import { tryParseNetworkInterfaceProviderID } from "@ironcore-ts/ironcore-net/providerId";
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
  type ApinetLoadBalancerObject,
  type ApinetLoadBalancerRoutingObject,
  apinetApiVersion,
  apinetRefs,
  apinetZoneLabel,
  finalizers,
  ironcoreRefs,
  type LoadBalancerObject,
  type LoadBalancerRoutingObject,
  type NetworkObject,
  type PrefixObject,
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
import { originKey, originLabels, originMetadata } from "./originMetadata.js";
import { deleteStaleApinetObjects } from "./staleApinetObjects.js";

/** The address of an Allocated single-address prefix (`10.0.0.5/32` -> `10.0.0.5`). */
function prefixAddress(prefix: string): string {
  const slash = prefix.indexOf("/");
  return slash < 0 ? prefix : prefix.slice(0, slash);
}

/**
 * The apinet IP entries of `lb`. For Public, an entry ironcore-net already gave an address keeps
 * it (sending the entry without it would release the address and allocate another).
 */
export function desiredLoadBalancerIPs(
  lb: LoadBalancerObject,
  current: readonly LoadBalancerIPJson[] | undefined,
  lookupPrefix: (key: string) => PrefixObject | undefined,
): LoadBalancerIPJson[] {
  const families = lb.spec?.ipFamilies ?? [];
  if (lb.spec?.type === "Public") {
    return [...new Set(families)].map((family) => {
      const name = family.toLowerCase();
      const existing = (current ?? []).find((e) => e.name === name && e.ipFamily === family);
      return existing?.ip ? { name, ipFamily: family, ip: existing.ip } : { name, ipFamily: family };
    });
  }
  return (lb.spec?.ips ?? []).flatMap((source, i) => {
    let ip = source.value;
    if (!ip && source.ephemeral) {
      const prefix = lookupPrefix(keyOf(lb.metadata.namespace, `${lb.metadata.name}-${i}`));
      if (prefix && controllerOf(prefix)?.uid === lb.metadata.uid && prefix.status?.phase === "Allocated") {
        ip = prefix.spec?.prefix ? prefixAddress(prefix.spec.prefix) : undefined;
      }
    }
    if (!ip) return [];
    const ipFamily = families[i] ?? (ip.includes(":") ? "IPv6" : "IPv4");
    return [{ name: `ip-${i}`, ipFamily, ip }];
  });
}

/** apinet destinations from the ironcore routing. */
export function desiredDestinations(
  routing: LoadBalancerRoutingObject | undefined,
): LoadBalancerDestinationJson[] {
  return (routing?.destinations ?? []).flatMap((d) => {
    if (!d.ip) return [];
    const id = tryParseNetworkInterfaceProviderID(d.targetRef?.providerID);
    return [
      id ? { ip: d.ip, targetRef: { uid: id.uid, name: id.name, nodeRef: { name: id.node } } } : { ip: d.ip },
    ];
  });
}

/** The instance template: origin labels, zone anti-affinity, optionally the destinations' nodes. */
export function instanceTemplate(
  lb: LoadBalancerObject,
  destinations: readonly LoadBalancerDestinationJson[],
  nodeAffinityAware: boolean,
): InstanceTemplateJson {
  const labels = originLabels("loadbalancer", lb);
  const nodes = [
    ...new Set(destinations.flatMap((d) => (d.targetRef?.nodeRef?.name ? [d.targetRef.nodeRef.name] : []))),
  ].sort();
  return {
    metadata: originMetadata("loadbalancer", lb),
    spec: {
      affinity: {
        instanceAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: apinetZoneLabel, labelSelector: { matchLabels: labels } },
          ],
        },
        nodeAffinity:
          nodeAffinityAware && nodes.length > 0
            ? {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: nodes.map((node) => ({
                    matchFields: [{ key: "metadata.name", operator: "In", values: [node] }],
                  })),
                },
              }
            : undefined,
      },
    },
  };
}

function desiredPorts(lb: LoadBalancerObject): LoadBalancerPortJson[] {
  // ironcore documents TCP as the default protocol; written out so every reader agrees.
  return (lb.spec?.ports ?? []).map((p) => ({
    protocol: p.protocol || "TCP",
    port: p.port,
    endPort: p.endPort,
  }));
}

function sameIPs(current: readonly LoadBalancerIPJson[] | undefined, desired: readonly LoadBalancerIPJson[]) {
  // An entry without ip in the desired list matches the stored entry of that name whatever its address.
  const norm = (list: readonly LoadBalancerIPJson[]) =>
    list
      .map((e) => ({ name: e.name, ipFamily: e.ipFamily }))
      .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
  if (!jsonEqual(norm(current ?? []), norm(desired))) return false;
  return desired.every((d) => !d.ip || (current ?? []).some((c) => c.name === d.name && c.ip === d.ip));
}

export function loadBalancerReconciler(ctx: ApinetletContext): Controller {
  const { settings, allocation } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;
  const waiterId = (key: string) => `loadbalancer:${key}`;

  async function finalize(lb: LoadBalancerObject, log: Logger) {
    if (!hasFinalizer(lb, finalizers.loadBalancer)) return;
    const uid = lb.metadata.uid ?? "";
    const routingGone = await deleteObject(ctx.apinet, apinetRefs.LoadBalancerRouting, namespace, uid);
    const gone = await deleteObject(ctx.apinet, apinetRefs.LoadBalancer, namespace, uid);
    if (!gone || !routingGone) {
      log.info("waiting for the apinet load balancer to be deleted");
      return { requeueAfter: deletionPollMs };
    }
    await removeFinalizer(ctx.ironcore, ironcoreRefs.LoadBalancer, lb, finalizers.loadBalancer);
    log.info("apinet load balancer deleted; finalizer removed");
  }

  /** Status ips, and (Public only: the condition is about public addresses) the Allocated condition. */
  async function writeStatus(lb: LoadBalancerObject, ips: string[], condition: ConditionValue, log: Logger) {
    const conditions =
      lb.spec?.type === "Public" ? withAllocatedCondition(lb.status?.conditions, condition) : undefined;
    if (jsonEqual(lb.status?.ips, ips) && !conditions) return;
    await patchStatus(ctx.ironcore, ironcoreRefs.LoadBalancer, lb, {
      ips: ips.length > 0 ? ips : null,
      conditions,
    });
    log.info({ ips }, "load balancer status updated");
  }

  async function apply(key: string, lb: LoadBalancerObject, log: Logger) {
    const uid = lb.metadata.uid ?? "";
    const network: NetworkObject | undefined = ic.networks.get(
      keyOf(lb.metadata.namespace, lb.spec?.networkRef?.name ?? ""),
    );
    if (!network?.metadata.uid || isDeleting(network)) {
      log.info({ network: lb.spec?.networkRef?.name }, "waiting for the network");
      return;
    }
    const origin = originMetadata("loadbalancer", lb);
    const destinations = desiredDestinations(ic.loadBalancerRoutings.get(key));
    let current = latestOrWritten(
      ctx,
      apinetRefs.LoadBalancer,
      an.loadBalancers.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    const ips = desiredLoadBalancerIPs(lb, current?.spec?.ips, (k) => ic.prefixes.get(k));
    // A Public load balancer entry without an address makes ironcore-net allocate one.
    const family = lb.spec?.type === "Public" ? ips.find((e) => !e.ip)?.ipFamily : undefined;
    const id = waiterId(key);
    const wake = () => controller.enqueue(key);
    const addresses = (lbObj: ApinetLoadBalancerObject | undefined) =>
      (lbObj?.spec?.ips ?? []).flatMap((e) => (e.ip ? [e.ip] : []));
    if (family && !allocation.mayTry(id, family)) {
      await writeStatus(lb, addresses(current), poolExhaustedMessage(allocation.message(family)), log);
      return { requeueAfter: allocation.wait(id, family, wake) };
    }
    const spec = {
      type: lb.spec?.type,
      networkRef: { name: network.metadata.uid },
      ips,
      ports: desiredPorts(lb),
      selector: { matchLabels: originLabels("loadbalancer", lb) },
      template: instanceTemplate(lb, destinations, settings.nodeAffinityAware),
    };
    try {
      if (!current) {
        const desired: ApinetLoadBalancerObject = {
          apiVersion: apinetApiVersion,
          kind: "LoadBalancer",
          metadata: { namespace, name: uid, ...origin },
          spec,
        };
        const { object, created } = await createOrGet(ctx.apinet, apinetRefs.LoadBalancer, desired);
        current = object;
        if (created) log.info({ ips: addresses(object) }, "created apinet load balancer");
      }
      const wantIPs = desiredLoadBalancerIPs(lb, current.spec?.ips, (k) => ic.prefixes.get(k));
      if (
        !sameIPs(current.spec?.ips, wantIPs) ||
        !jsonEqual(current.spec?.ports, spec.ports) ||
        !jsonEqual(current.spec?.template, spec.template)
      ) {
        current = await ctx.apinet.patch<ApinetLoadBalancerObject>(
          apinetRefs.LoadBalancer,
          namespace,
          uid,
          mergePatch({
            metadata: origin,
            spec: {
              ips: wantIPs.length > 0 ? wantIPs : null,
              ports: spec.ports.length > 0 ? spec.ports : null,
              template: spec.template,
            },
          }),
        );
        log.info("updated apinet load balancer");
      }
    } catch (err) {
      if (!isPoolExhausted(err) || !family) throw err;
      const message = (err as Error).message;
      await writeStatus(lb, addresses(current), poolExhaustedMessage(message), log);
      log.info({ reason: message }, "no free public IP; waiting");
      return { requeueAfter: allocation.exhausted(id, family, message, wake) };
    }
    if (family) allocation.allocated(id, family);

    const routingKey = keyOf(namespace, uid);
    const routing = latestOrWritten(
      ctx,
      apinetRefs.LoadBalancerRouting,
      an.loadBalancerRoutings.get(routingKey),
      namespace,
      uid,
    );
    const owner = controllerReference({ ...current, apiVersion: apinetApiVersion, kind: "LoadBalancer" });
    if (!routing) {
      const desired: ApinetLoadBalancerRoutingObject = {
        apiVersion: apinetApiVersion,
        kind: "LoadBalancerRouting",
        metadata: { namespace, name: uid, ...origin, ownerReferences: [owner] },
        destinations,
      };
      const { object } = await createOrGet(ctx.apinet, apinetRefs.LoadBalancerRouting, desired);
      if (!jsonEqual(object.destinations, destinations)) {
        await ctx.apinet.patch(apinetRefs.LoadBalancerRouting, namespace, uid, mergePatch({ destinations }));
      }
    } else if (
      !jsonEqual(routing.destinations, destinations) ||
      controllerOf(routing)?.uid !== current.metadata.uid
    ) {
      await ctx.apinet.patch(
        apinetRefs.LoadBalancerRouting,
        namespace,
        uid,
        mergePatch({
          metadata: { ...origin, ownerReferences: [owner] },
          destinations: destinations.length > 0 ? destinations : null,
        }),
      );
      log.info({ destinations: destinations.length }, "updated apinet load balancer routing");
    }

    // Created before the finalizer is added, as for networks (see networkReconciler.ts).
    if (!hasFinalizer(lb, finalizers.loadBalancer)) {
      await addFinalizer(ctx.ironcore, ironcoreRefs.LoadBalancer, lb, finalizers.loadBalancer);
    }
    await writeStatus(lb, addresses(current), allocatedTrue(), log);
  }

  const controller: Controller = new Controller({
    name: "loadbalancer",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: Math.max(2, Math.ceil(settings.concurrency / 4)),
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const lb = latest(ctx, ironcoreRefs.LoadBalancer, ic.loadBalancers.get(key));
      if (lb && !isHandled(settings, lb)) return;
      await deleteStaleApinetObjects(
        ctx.apinet,
        { kind: "loadbalancer", key, uid: lb?.metadata.uid },
        [
          { informer: an.loadBalancerRoutings, ref: apinetRefs.LoadBalancerRouting },
          { informer: an.loadBalancers, ref: apinetRefs.LoadBalancer },
        ],
        log,
        "apinet load balancers whose load balancer is gone",
      );
      if (!lb || isDeleting(lb)) allocation.forget(waiterId(key));
      if (!lb) return;
      if (isDeleting(lb)) return finalize(lb, log);
      return apply(key, lb, log);
    }),
  })
    .watch(ic.loadBalancers)
    // The routing has the load balancer's name.
    .watch(ic.loadBalancerRoutings)
    .watch(
      ic.networks,
      enqueueMapped((net: NetworkObject) =>
        ic.loadBalancers
          .byIndex(indexes.network, keyOf(net.metadata.namespace, net.metadata.name ?? ""))
          .map((lb) => keyOf(lb.metadata.namespace, lb.metadata.name ?? "")),
      ),
    )
    .watch(ic.prefixes, enqueueOwner<PrefixObject>("LoadBalancer"))
    .watch(
      an.loadBalancers,
      enqueueMapped((a: ApinetLoadBalancerObject) => originKey("loadbalancer", a)),
    )
    .watch(
      an.loadBalancerRoutings,
      enqueueMapped((a: ApinetLoadBalancerRoutingObject) => originKey("loadbalancer", a)),
    );
  return controller;
}
