/**
 * networkinterfaceephemeralvirtualip: a NIC with `spec.virtualIP.ephemeral` gets a VirtualIP of
 * its own name, claimed by it (`targetRef`). Reference: ironcore-api.md sections 11-12.
 *
 * `reclaimPolicy` of the template decides what happens when the NIC goes:
 * - Delete (or empty): the VIP has a controller reference to the NIC and is garbage collected
 *   with it;
 * - Retain: no controller reference, so the VIP (and its public IP) survives the NIC; the
 *   virtualiprelease controller then clears its `targetRef`.
 */
import {
  type ApiObject,
  controllerOf,
  controllerReference,
  isControlledBy,
  isDeleting,
  type OwnerReference,
  objectKey,
  withOwnerReference,
} from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import type { ControllerContext } from "./context.js";
import { hasEphemeralAnnotation, reconcileEphemeralChildren, withEphemeralAnnotation } from "./ephemeral.js";
import { enqueueAll, indexes } from "./informers.js";
import { failIfAny, keyOf, mergePatch, networkingApiVersion, refs, requeueOnConflict } from "./refs.js";

/** The VIP a NIC asks for, or undefined when its virtual IP is not ephemeral. */
export function desiredEphemeralVirtualIP(nic: NetworkInterfaceObject): VirtualIPObject | undefined {
  const template = nic.spec?.virtualIP?.ephemeral?.virtualIPTemplate;
  if (!template) return undefined;
  const retain = template.spec?.reclaimPolicy === "Retain";
  return {
    apiVersion: refs.VirtualIP.apiVersion,
    kind: refs.VirtualIP.kind,
    metadata: {
      namespace: nic.metadata.namespace,
      name: nic.metadata.name,
      labels: template.metadata?.labels,
      annotations: withEphemeralAnnotation(template.metadata?.annotations),
      ownerReferences: retain ? undefined : [controllerReference(nic)],
    },
    // reclaimPolicy is a property of the template, not of VirtualIP (which has no such field).
    spec: {
      type: template.spec?.type,
      ipFamily: template.spec?.ipFamily,
      targetRef: { name: nic.metadata.name, uid: nic.metadata.uid },
    },
  };
}

/**
 * Managed by the NIC (section 12): controlled by it, or marked ephemeral and claimed by it
 * (`targetRef.uid`) — the second form is how a Retain VIP, which has no controller reference,
 * is still recognised as the NIC's own.
 */
export function isVirtualIPManagedBy(vip: VirtualIPObject, nic: ApiObject): boolean {
  return (
    isControlledBy(vip, nic) ||
    (hasEphemeralAnnotation(vip) &&
      vip.spec?.targetRef?.uid !== undefined &&
      vip.spec.targetRef.uid === nic.metadata.uid)
  );
}

export function networkInterfaceEphemeralVirtualIPReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;

  /** Keeps the controller reference in line with the reclaim policy when the policy changes. */
  async function updateOwnership(
    nic: NetworkInterfaceObject,
    existing: VirtualIPObject,
    desired: VirtualIPObject,
  ) {
    const wantsController = (desired.metadata.ownerReferences ?? []).length > 0;
    const controller = controllerOf(existing);
    const current: OwnerReference[] = existing.metadata.ownerReferences ?? [];
    let ownerReferences: OwnerReference[] | undefined;
    if (wantsController && !controller) {
      // Retain -> Delete: from now on the VIP goes with the NIC.
      ownerReferences = withOwnerReference(current, controllerReference(nic));
    } else if (!wantsController && controller?.uid === nic.metadata.uid) {
      // Delete -> Retain. Upstream only ever adds the reference, so a VIP switched to Retain
      // would still be garbage collected with its NIC; dropping the reference keeps it, which
      // is what Retain promises.
      ownerReferences = current.filter((r) => r.uid !== nic.metadata.uid);
    }
    if (!ownerReferences) return;
    await client.patch(
      refs.VirtualIP,
      existing.metadata.namespace,
      existing.metadata.name!,
      mergePatch({
        metadata: {
          resourceVersion: existing.metadata.resourceVersion,
          ownerReferences: ownerReferences.length > 0 ? ownerReferences : null,
        },
      }),
    );
  }

  return new Controller({
    name: "networkinterfaceephemeralvirtualip",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const nic = informers.networkInterfaces.get(key);
      // Gone or going: Delete-policy VIPs follow by garbage collection, Retain ones stay.
      if (!nic || isDeleting(nic)) return;
      const want = desiredEphemeralVirtualIP(nic);
      const desired = new Map<string, VirtualIPObject>(want ? [[want.metadata.name!, want]] : []);
      const result = await reconcileEphemeralChildren<VirtualIPObject>({
        client,
        ref: refs.VirtualIP,
        log,
        existing: informers.virtualIPs.byIndex(indexes.namespace, nic.metadata.namespace ?? ""),
        desired,
        isManaged: (vip) => isVirtualIPManagedBy(vip, nic),
        updateManaged: (existing, d) => updateOwnership(nic, existing, d),
      });
      failIfAny(result.errors, "ephemeral virtual IP");
    }),
  })
    .watch(informers.networkInterfaces, enqueueObject())
    .watch(
      informers.virtualIPs,
      enqueueAll<VirtualIPObject>(
        enqueueOwner("NetworkInterface", networkingApiVersion),
        // The NIC of the same name (ephemeral VIPs are named like their NIC) and the claiming NIC.
        enqueueMapped((vip: VirtualIPObject) => {
          const keys = [objectKey(vip.metadata)];
          if (vip.spec?.targetRef?.name) keys.push(keyOf(vip.metadata.namespace, vip.spec.targetRef.name));
          return keys;
        }),
      ),
    );
}
