/**
 * loadbalancer (upstream LoadBalancerReconciler): writes the LoadBalancerRouting `<lb>` — the NICs
 * a LoadBalancer forwards to. Reference: ironcore-api.md section 12:
 * 1. no `spec.networkInterfaceSelector` -> nothing (routing is managed externally);
 * 2. the LB's Network must exist (its uid goes into the routing);
 * 3. destinations: the NICs of the namespace in that network, matching the selector, with
 *    `status.state == Available`, one per `status.ips[]` entry:
 *    `{ip, targetRef: {uid, name, providerID: nic.spec.providerID}}`;
 * 4. apply the routing with a controller reference to the LB (so it goes with the LB).
 */
import {
  controllerOf,
  controllerReference,
  isDeleting,
  objectKey,
  selectorMatches,
} from "@ironcore-ts/apimachinery";
import { jsonEqual } from "@ironcore-ts/apiserver";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { LoadBalancerRoutingObject } from "../kinds/loadBalancerRouting.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { ControllerContext } from "./context.js";
import { indexes, labelSelectorOf } from "./informers.js";
import { keyOf, networkingApiVersion, refs, wire } from "./refs.js";

/** The routing a LoadBalancer should have, from the NICs of its network. */
export function desiredLoadBalancerRouting(
  lb: LoadBalancerObject,
  network: NetworkObject,
  networkInterfaces: readonly NetworkInterfaceObject[],
): LoadBalancerRoutingObject {
  const selector = labelSelectorOf(lb.spec?.networkInterfaceSelector);
  const targets = networkInterfaces
    .filter(
      (nic) =>
        nic.metadata.namespace === lb.metadata.namespace &&
        nic.spec?.networkRef?.name === lb.spec?.networkRef?.name &&
        nic.status?.state === "Available" &&
        // A NIC being deleted is on its way out: no new connections to it (upstream keeps it
        // until it is gone).
        !isDeleting(nic) &&
        selectorMatches(selector, nic.metadata.labels),
    )
    // Stable order, so an unchanged set of NICs is an unchanged routing (no write).
    .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  return {
    apiVersion: refs.LoadBalancerRouting.apiVersion,
    kind: refs.LoadBalancerRouting.kind,
    metadata: {
      namespace: lb.metadata.namespace,
      name: lb.metadata.name,
      ownerReferences: [controllerReference(lb)],
    },
    networkRef: { name: network.metadata.name, uid: network.metadata.uid },
    destinations: targets.flatMap((nic) =>
      (nic.status?.ips ?? []).map((ip) => ({
        ip,
        targetRef: {
          uid: nic.metadata.uid,
          name: nic.metadata.name,
          providerID: nic.spec?.providerID || undefined,
        },
      })),
    ),
  };
}

function routingUpToDate(current: LoadBalancerRoutingObject | undefined, desired: LoadBalancerRoutingObject) {
  if (!current) return false;
  const ref = controllerOf(current);
  const wantRef = desired.metadata.ownerReferences?.[0];
  return (
    ref?.uid === wantRef?.uid &&
    jsonEqual(current.networkRef, desired.networkRef) &&
    jsonEqual(current.destinations ?? [], desired.destinations ?? [])
  );
}

export function loadBalancerReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;

  /** LBs of a network whose selector picks these labels. */
  const loadBalancersSelecting = (nic: NetworkInterfaceObject): string[] => {
    // Only Available NICs are ever destinations: a NIC that is not Available now and was not
    // before (the informer maps both the old and the new object) cannot change a routing.
    if (nic.status?.state !== "Available" || !nic.spec?.networkRef?.name) return [];
    return informers.loadBalancers
      .byIndex(indexes.network, keyOf(nic.metadata.namespace, nic.spec.networkRef.name))
      .filter((lb) => {
        const selector = lb.spec?.networkInterfaceSelector;
        return selector !== undefined && selectorMatches(labelSelectorOf(selector), nic.metadata.labels);
      })
      .map((lb) => objectKey(lb.metadata));
  };

  return new Controller({
    name: "loadbalancer",
    logger: ctx.logger,
    concurrency: 4,
    async reconcile(key, _signal, log) {
      const lb = informers.loadBalancers.get(key);
      if (!lb || isDeleting(lb)) return; // the routing goes with it (garbage collection)
      if (!lb.spec?.networkInterfaceSelector) {
        log.debug("no networkInterfaceSelector: the routing is managed externally");
        return;
      }
      const networkName = lb.spec.networkRef?.name;
      const network = networkName
        ? informers.networks.get(keyOf(lb.metadata.namespace, networkName))
        : undefined;
      if (!network) {
        log.debug({ network: networkName }, "network not found; waiting for it");
        return;
      }
      const desired = desiredLoadBalancerRouting(
        lb,
        network,
        informers.networkInterfaces.byIndex(indexes.network, keyOf(lb.metadata.namespace, networkName!)),
      );
      if (routingUpToDate(informers.loadBalancerRoutings.get(key), desired)) return;
      await client.apply(wire(desired));
      log.info({ destinations: desired.destinations?.length ?? 0 }, "load balancer routing updated");
    },
  })
    .watch(informers.loadBalancers, enqueueObject())
    .watch(informers.loadBalancerRoutings, enqueueOwner("LoadBalancer", networkingApiVersion))
    .watch(
      informers.networks,
      enqueueMapped((net: NetworkObject) =>
        informers.loadBalancers
          .byIndex(indexes.network, objectKey(net.metadata))
          .map((lb) => objectKey(lb.metadata)),
      ),
    )
    .watch(informers.networkInterfaces, enqueueMapped(loadBalancersSelecting));
}
