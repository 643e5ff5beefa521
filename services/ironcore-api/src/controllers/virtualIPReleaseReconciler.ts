/**
 * virtualiprelease: a VirtualIP whose `spec.targetRef` names a NetworkInterface that is gone (or
 * exists with another uid) is released: `targetRef` is cleared, so the IP can be claimed again.
 * This is how a Retain VIP of a deleted ephemeral NIC ends up free. Reference: ironcore-api.md
 * section 12. The NIC is read live, for the same reason as in networkinterfacerelease.
 */
import { isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject } from "@ironcore-ts/controller";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import type { ControllerContext } from "./context.js";
import { indexes } from "./informers.js";
import { getIfExists, mergePatch, refs, requeueOnConflict } from "./refs.js";

export function virtualIPReleaseReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "virtualiprelease",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const cached = informers.virtualIPs.get(key);
      if (!cached?.spec?.targetRef?.name || isDeleting(cached)) return;
      const namespace = cached.metadata.namespace;
      const cachedRef = cached.spec.targetRef;
      const nic = await getIfExists(
        client.get<NetworkInterfaceObject>(refs.NetworkInterface, namespace, cachedRef.name!),
      );
      if (nic && (!cachedRef.uid || nic.metadata.uid === cachedRef.uid)) return;

      const vip = await getIfExists(
        client.get<VirtualIPObject>(refs.VirtualIP, namespace, cached.metadata.name!),
      );
      const ref = vip?.spec?.targetRef;
      if (!vip || !ref || ref.name !== cachedRef.name || ref.uid !== cachedRef.uid) return;
      // NotFound: it went meanwhile (garbage collection of ephemeral objects), nothing to release.
      await getIfExists(
        client.patch(
          refs.VirtualIP,
          namespace,
          vip.metadata.name!,
          mergePatch({
            metadata: { resourceVersion: vip.metadata.resourceVersion },
            spec: { targetRef: null },
          }),
        ),
      );
      log.info(
        { networkInterface: ref.name, uid: ref.uid },
        "network interface is gone; released the virtual IP",
      );
    }),
  })
    .watch(informers.virtualIPs, enqueueObject())
    .watch(
      informers.networkInterfaces,
      // VIPs claimed by this NIC (uid): it may be deleting or gone now.
      enqueueMapped((nic: NetworkInterfaceObject) =>
        nic.metadata.uid
          ? informers.virtualIPs
              .byIndex(indexes.targetUID, nic.metadata.uid)
              .map((vip) => objectKey(vip.metadata))
          : [],
      ),
    );
}
