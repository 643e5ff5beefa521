/**
 * networkinterfaceephemeralprefix: every ephemeral entry of a NIC's `spec.ips` becomes an ipam
 * Prefix `<nic>-<i>`, every ephemeral entry of `spec.prefixes` a Prefix `<nic>-pf-<i>` (index =
 * position in the list). Both are controlled by the NIC and marked ephemeral; the prefix
 * allocation controller then allocates them from their parent. Reference: ironcore-api.md
 * sections 2, 11, 12.
 *
 * (quirk) Upstream gives the `-pf-` Prefixes no ephemeral annotation, so they never count as
 * managed: a routed prefix removed from the NIC stays until the NIC is deleted. Here they get the
 * annotation like the IP prefixes and are deleted as soon as the NIC no longer asks for them.
 */
import { isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import { ephemeralIPPrefixName, ephemeralRoutedPrefixName } from "../kinds/index.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
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

/** The Prefixes a NIC asks for, by name. */
export function desiredNetworkInterfacePrefixes(nic: NetworkInterfaceObject): Map<string, PrefixObject> {
  const desired = new Map<string, PrefixObject>();
  const name = nic.metadata.name!;
  (nic.spec?.ips ?? []).forEach((src, i) => {
    const template = src.ephemeral?.prefixTemplate;
    const prefixName = ephemeralIPPrefixName(name, i);
    if (template) desired.set(prefixName, ephemeralPrefix(nic, prefixName, template));
  });
  (nic.spec?.prefixes ?? []).forEach((src, i) => {
    const template = src.ephemeral?.prefixTemplate;
    const prefixName = ephemeralRoutedPrefixName(name, i);
    if (template) desired.set(prefixName, ephemeralPrefix(nic, prefixName, template));
  });
  return desired;
}

export function networkInterfaceEphemeralPrefixReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "networkinterfaceephemeralprefix",
    logger: ctx.logger,
    concurrency: 4,
    async reconcile(key, _signal, log) {
      const nic = informers.networkInterfaces.get(key);
      if (!nic || isDeleting(nic)) return; // its Prefixes go with it (garbage collection)
      const result = await reconcileEphemeralChildren<PrefixObject>({
        client,
        ref: refs.Prefix,
        log,
        existing: informers.prefixes.byIndex(indexes.namespace, nic.metadata.namespace ?? ""),
        desired: desiredNetworkInterfacePrefixes(nic),
        isManaged: (prefix) => isEphemeralManagedBy(prefix, nic),
      });
      failIfAny(result.errors, "ephemeral prefixes");
    },
  })
    .watch(informers.networkInterfaces, enqueueObject())
    .watch(
      informers.prefixes,
      enqueueAll<PrefixObject>(
        enqueueOwner("NetworkInterface", networkingApiVersion),
        enqueueMapped((p: PrefixObject) =>
          ephemeralPrefixOwnerNames(p.metadata.name ?? "")
            .map((owner) => keyOf(p.metadata.namespace, owner))
            .filter((k) => informers.networkInterfaces.get(k) !== undefined),
        ),
      ),
    );
}
