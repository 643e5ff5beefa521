/**
 * machineephemeralnetworkinterface (upstream MachineEphemeralNetworkInterfaceReconciler): turns
 * every `spec.networkInterfaces[].ephemeral` entry of a Machine into a NetworkInterface named
 * `<machine>-<entry>`, controlled by the Machine. Reference: ironcore-api.md sections 11-12 and
 * the seed's reconciliation steps, implemented in order:
 * 1. fetch the Machine; a deleting one is left alone (garbage collection removes its NICs);
 * 2. build the desired NICs;
 * 3. list the NICs of the Machine's namespace;
 * 4. compare: managed & desired -> leave; managed & not desired -> delete; unmanaged of a desired
 *    name -> never adopt, leave it and report it; missing -> create (AlreadyExists -> re-read);
 * 5. collect per-NIC errors and return them (-> retried with back-off);
 * 6. "update status": the NIC status (state, ips, virtualIP) belongs to apinetlet, which mirrors
 *    the realised ironcore-net NIC; new NICs start in state Pending (API defaulting). What this
 *    controller reports is its own result, on the Machine: condition `NetworkInterfacesReady`.
 */
import { type ApiObject, controllerReference, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import { ephemeralNetworkInterfaceName, type MachineObject } from "../kinds/machine.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import { removeMachineCondition, setMachineCondition } from "./conditions.js";
import type { ControllerContext } from "./context.js";
import {
  type EphemeralChildrenResult,
  isEphemeralManagedBy,
  reconcileEphemeralChildren,
  withEphemeralAnnotation,
} from "./ephemeral.js";
import { enqueueAll, indexes } from "./informers.js";
import { computeApiVersion, failIfAny, keyOf, refs, requeueOnConflict } from "./refs.js";

/**
 * The Machine condition this controller maintains for machines with ephemeral NICs:
 * - True, reason `Managed`: every ephemeral NIC the machine asks for exists and is managed by it
 *   (it says nothing about the data plane: NIC `status.state` tells whether it is Available);
 * - False, reason `NotManaged`: a NIC of a name the machine needs exists but belongs to someone
 *   else; the message names it. It is never adopted: delete or rename it and the machine's own
 *   NIC is created.
 * Machines without ephemeral NICs do not carry the condition.
 */
export const networkInterfacesReadyCondition = "NetworkInterfacesReady";

/** The NICs a Machine asks for, by name (reference section 12, "Desired set"). */
export function desiredEphemeralNetworkInterfaces(
  machine: MachineObject,
): Map<string, NetworkInterfaceObject> {
  const desired = new Map<string, NetworkInterfaceObject>();
  const machineName = machine.metadata.name!;
  for (const entry of machine.spec?.networkInterfaces ?? []) {
    const template = entry.ephemeral?.networkInterfaceTemplate;
    if (!template || !entry.name) continue;
    const name = ephemeralNetworkInterfaceName(machineName, entry.name);
    desired.set(name, {
      apiVersion: refs.NetworkInterface.apiVersion,
      kind: refs.NetworkInterface.kind,
      metadata: {
        namespace: machine.metadata.namespace,
        name,
        labels: template.metadata?.labels,
        annotations: withEphemeralAnnotation(template.metadata?.annotations),
        ownerReferences: [controllerReference(machine)],
      },
      spec: {
        ...structuredClone(template.spec ?? {}),
        // The binding: machinepoollet picks up NICs whose machineRef names its machine.
        machineRef: { name: machineName, uid: machine.metadata.uid },
      },
    });
  }
  return desired;
}

async function report(
  ctx: ControllerContext,
  machine: MachineObject,
  desired: ReadonlyMap<string, NetworkInterfaceObject>,
  result: EphemeralChildrenResult,
): Promise<void> {
  if (desired.size === 0) {
    await removeMachineCondition(ctx.client, machine, networkInterfacesReadyCondition);
    return;
  }
  const namespace = machine.metadata.namespace;
  if (result.notManaged.length > 0) {
    const names = result.notManaged.map((n) => keyOf(namespace, n)).join(", ");
    await setMachineCondition(ctx.client, machine, {
      type: networkInterfacesReadyCondition,
      status: "False",
      reason: "NotManaged",
      message: `NetworkInterface ${names} already exists and is not managed by this machine (no controller reference to it or no ephemeral-managed-by annotation); it is left alone and not adopted. Delete or rename it so the machine can create its own.`,
    });
    return;
  }
  // Failures are retried and logged; the condition only claims what is known to be true.
  if (result.errors.length > 0) return;
  await setMachineCondition(ctx.client, machine, {
    type: networkInterfacesReadyCondition,
    status: "True",
    reason: "Managed",
    message: `all ${desired.size} ephemeral network interfaces exist and are managed by this machine`,
  });
}

export function machineEphemeralNetworkInterfaceReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "machineephemeralnetworkinterface",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const machine = informers.machines.get(key);
      if (!machine) return; // gone: garbage collection removes the NICs it controlled
      if (isDeleting(machine)) {
        log.debug("machine is being deleted; its ephemeral network interfaces go with it");
        return;
      }
      const desired = desiredEphemeralNetworkInterfaces(machine);
      const result = await reconcileEphemeralChildren<NetworkInterfaceObject>({
        client,
        ref: refs.NetworkInterface,
        log,
        existing: informers.networkInterfaces.byIndex(indexes.namespace, machine.metadata.namespace ?? ""),
        desired,
        isManaged: (nic) => isEphemeralManagedBy(nic, machine),
      });
      await report(ctx, machine, desired, result);
      failIfAny(result.errors, "ephemeral network interfaces");
      log.debug({ networkInterfaces: [...desired.keys()] }, "ephemeral network interfaces reconciled");
    }),
  })
    .watch(informers.machines, enqueueObject())
    .watch(
      informers.networkInterfaces,
      enqueueAll<NetworkInterfaceObject>(
        enqueueOwner("Machine", computeApiVersion),
        // A NIC of a name some machine wants (e.g. an unmanaged one that is deleted): that
        // machine may now create its own.
        enqueueMapped((nic: ApiObject) =>
          informers.machines
            .byIndex(indexes.ephemeralNetworkInterface, objectKey(nic.metadata))
            .map((m) => objectKey(m.metadata)),
        ),
      ),
    );
}
