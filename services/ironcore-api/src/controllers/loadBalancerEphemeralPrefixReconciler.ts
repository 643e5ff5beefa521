/**
 * loadbalancerephemeralprefix: every ephemeral entry of a LoadBalancer's `spec.ips` becomes an
 * ipam Prefix `<lb>-<i>`, controlled by the LoadBalancer and marked ephemeral; managed Prefixes
 * the LoadBalancer no longer asks for are deleted. Only Internal load balancers keep `spec.ips`
 * (the API drops them for Public ones, whose IPs come from ironcore-net). Reference:
 * ironcore-api.md sections 5, 11, 12.
 */
import { isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import { ephemeralIPPrefixName } from "../kinds/index.js";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { PrefixObject } from "../kinds/prefix.js";
import type { ControllerContext } from "./context.js";
import {
  ephemeralPrefix,
  ephemeralPrefixOwnerNames,
  isEphemeralManagedBy,
  reconcileEphemeralChildren,
} from "./ephemeral.js";
import { enqueueAll, indexes } from "./informers.js";
import { failIfAny, keyOf, networkingApiVersion, refs } from "./refs.js";

/** The Prefixes a LoadBalancer asks for, by name. */
export function desiredLoadBalancerPrefixes(lb: LoadBalancerObject): Map<string, PrefixObject> {
  const desired = new Map<string, PrefixObject>();
  (lb.spec?.ips ?? []).forEach((src, i) => {
    const template = src.ephemeral?.prefixTemplate;
    const name = ephemeralIPPrefixName(lb.metadata.name!, i);
    if (template) desired.set(name, ephemeralPrefix(lb, name, template));
  });
  return desired;
}

export function loadBalancerEphemeralPrefixReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "loadbalancerephemeralprefix",
    logger: ctx.logger,
    concurrency: 4,
    async reconcile(key, _signal, log) {
      const lb = informers.loadBalancers.get(key);
      if (!lb || isDeleting(lb)) return; // its Prefixes go with it (garbage collection)
      const result = await reconcileEphemeralChildren<PrefixObject>({
        client,
        ref: refs.Prefix,
        log,
        existing: informers.prefixes.byIndex(indexes.namespace, lb.metadata.namespace ?? ""),
        desired: desiredLoadBalancerPrefixes(lb),
        isManaged: (prefix) => isEphemeralManagedBy(prefix, lb),
      });
      failIfAny(result.errors, "ephemeral prefixes");
    },
  })
    .watch(informers.loadBalancers, enqueueObject())
    .watch(
      informers.prefixes,
      enqueueAll<PrefixObject>(
        enqueueOwner("LoadBalancer", networkingApiVersion),
        enqueueMapped((p: PrefixObject) =>
          ephemeralPrefixOwnerNames(p.metadata.name ?? "")
            .map((owner) => keyOf(p.metadata.namespace, owner))
            .filter((k) => informers.loadBalancers.get(k) !== undefined),
        ),
      ),
    );
}
