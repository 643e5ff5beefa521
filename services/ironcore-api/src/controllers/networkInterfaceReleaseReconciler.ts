/**
 * networkinterfacerelease: a NIC whose `spec.machineRef` names a Machine that is gone (or that
 * exists under the name with another uid: a new machine that never claimed it) is released:
 * `machineRef` is cleared, so another machine can claim it. Reference: ironcore-api.md section 12.
 *
 * The machine is read live, not from the cache: a cache that has not seen a brand-new machine
 * yet must not release the NIC it just claimed.
 */
import { isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject } from "@ironcore-ts/controller";
import type { MachineObject } from "../kinds/machine.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { ControllerContext } from "./context.js";
import { indexes } from "./informers.js";
import { getIfExists, mergePatch, refs, requeueOnConflict } from "./refs.js";

export function networkInterfaceReleaseReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "networkinterfacerelease",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const cached = informers.networkInterfaces.get(key);
      if (!cached?.spec?.machineRef?.name || isDeleting(cached)) return;
      const namespace = cached.metadata.namespace;
      const cachedRef = cached.spec.machineRef;
      const machine = await getIfExists(client.get<MachineObject>(refs.Machine, namespace, cachedRef.name!));
      if (machine && (!cachedRef.uid || machine.metadata.uid === cachedRef.uid)) return;

      // Decide on a fresh read: the claim may have changed since the cache saw it.
      const nic = await getIfExists(
        client.get<NetworkInterfaceObject>(refs.NetworkInterface, namespace, cached.metadata.name!),
      );
      const ref = nic?.spec?.machineRef;
      if (!nic || !ref || ref.name !== cachedRef.name || ref.uid !== cachedRef.uid) return;
      // NotFound: it went meanwhile (garbage collection of ephemeral objects), nothing to release.
      await getIfExists(
        client.patch(
          refs.NetworkInterface,
          namespace,
          nic.metadata.name!,
          mergePatch({
            metadata: { resourceVersion: nic.metadata.resourceVersion },
            spec: { machineRef: null },
          }),
        ),
      );
      log.info({ machine: ref.name, uid: ref.uid }, "machine is gone; released the network interface");
    }),
  })
    .watch(informers.networkInterfaces, enqueueObject())
    .watch(
      informers.machines,
      // NICs claimed by this machine (uid): it may be deleting or gone now.
      enqueueMapped((m: MachineObject) =>
        m.metadata.uid
          ? informers.networkInterfaces
              .byIndex(indexes.machineUID, m.metadata.uid)
              .map((nic) => objectKey(nic.metadata))
          : [],
      ),
    );
}
