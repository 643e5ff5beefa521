/**
 * MachineClass (compute.ironcore.dev/v1alpha1, cluster-scoped): a machine size, its
 * `capabilities` a resource list (`cpu: "4"`, `memory: 16Gi`). Kept light: this project only
 * needs classes to schedule and size simulated machines.
 */
import { type ApiObject, type FieldError, FieldPath, validateQualifiedName } from "@ironcore-ts/apimachinery";
import { type KindRules, validateImmutable, validateObjectName } from "@ironcore-ts/apiserver";
import type { MachineClassJson } from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machineclass_pb.js";
import { validateQuantity } from "../validation/quantity.js";

export type MachineClassObject = MachineClassJson & ApiObject;

/** A machine needs some CPU and memory, so these two (when given) must be positive. */
const positiveCapabilities = new Set(["cpu", "memory"]);

export function validateResourceList(
  list: Record<string, string> | undefined,
  path: FieldPath,
  positive: ReadonlySet<string> = new Set(),
): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = path.key(name);
    errs.push(...validateQualifiedName(name, p));
    errs.push(...validateQuantity(value, p, positive.has(name) ? "positive" : "nonNegative"));
  }
  return errs;
}

export const machineClassRules: KindRules<MachineClassObject> = {
  validate(obj) {
    return [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateResourceList(obj.capabilities, FieldPath.root("capabilities"), positiveCapabilities),
    ];
  },

  validateUpdate(obj, old) {
    // Machines of the class were sized by it; a class is replaced, not resized.
    return validateImmutable(obj.capabilities, old.capabilities, FieldPath.root("capabilities"));
  },
};
