/**
 * Status conditions the controllers put on Machines, so a user sees with `ironcorectl describe
 * machine` what `kubectl describe` would show as events upstream (a NIC the machine won't adopt,
 * why it is not scheduled). Conditions are written only when they change, and with the version
 * they were computed from (another writer in between makes the write fail with Conflict, and the
 * controller looks again), because machinepoollet writes the same status.
 */
import { type Condition, findCondition, setCondition } from "@ironcore-ts/apimachinery";
import type { ObjectClient } from "@ironcore-ts/client";
import type { ConditionJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import type { MachineObject } from "../kinds/machine.js";
import { mergePatch, refs } from "./refs.js";

export type ConditionValue = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

function asConditions(list: readonly ConditionJson[] | undefined): Condition[] {
  return (list ?? []).map((c) => ({
    ...c,
    type: c.type ?? "",
    status: (c.status ?? "Unknown") as Condition["status"],
  }));
}

function sameCondition(current: Condition | undefined, next: ConditionValue): boolean {
  return (
    current !== undefined &&
    current.status === next.status &&
    (current.reason ?? "") === (next.reason ?? "") &&
    (current.message ?? "") === (next.message ?? "")
  );
}

async function writeConditions(
  client: ObjectClient,
  machine: MachineObject,
  conditions: Condition[],
): Promise<MachineObject> {
  return client.patch<MachineObject>(
    refs.Machine,
    machine.metadata.namespace,
    machine.metadata.name!,
    mergePatch({
      metadata: { resourceVersion: machine.metadata.resourceVersion },
      status: { conditions: conditions.length > 0 ? conditions : null },
    }),
    { status: true },
  );
}

/**
 * Sets one condition on the machine's status unless it already says the same (lastTransitionTime
 * moves only when the status flips). Returns the machine as written, or as given when unchanged.
 */
export async function setMachineCondition(
  client: ObjectClient,
  machine: MachineObject,
  next: ConditionValue,
): Promise<MachineObject> {
  const current = asConditions(machine.status?.conditions);
  if (sameCondition(findCondition(current, next.type), next)) return machine;
  return writeConditions(client, machine, setCondition(current, next));
}

/** Removes a condition that no longer applies (e.g. the machine has no ephemeral NICs any more). */
export async function removeMachineCondition(
  client: ObjectClient,
  machine: MachineObject,
  type: string,
): Promise<MachineObject> {
  const current = asConditions(machine.status?.conditions);
  if (!findCondition(current, type)) return machine;
  return writeConditions(
    client,
    machine,
    current.filter((c) => c.type !== type),
  );
}
