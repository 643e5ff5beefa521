/**
 * MachinePool (compute.ironcore.dev/v1alpha1, cluster-scoped): a node that runs machines,
 * registered and kept up to date by its machinepoollet. Kept light: names, taints, quantities.
 */
import {
  type ApiObject,
  type FieldError,
  FieldPath,
  validateLabelValue,
  validateQualifiedName,
} from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateConditions,
  validateEnum,
  validateObjectName,
  validateSetOnce,
} from "@ironcore-ts/apiserver";
import type { MachinePoolJson } from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machinepool_pb.js";
import { taintEffects } from "./machine.js";
import { validateResourceList } from "./machineClass.js";

export type MachinePoolObject = MachinePoolJson & ApiObject;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

export const machinePoolRules: KindRules<MachinePoolObject> = {
  validate(obj) {
    const errs = validateObjectName(obj, "DNSSubdomain");
    (obj.spec?.taints ?? []).forEach((taint, i) => {
      const p = specPath.child("taints").index(i);
      if (!taint.key) errs.push(p.child("key").required());
      else errs.push(...validateQualifiedName(taint.key, p.child("key")));
      if (taint.value) errs.push(...validateLabelValue(taint.value, p.child("value")));
      errs.push(...validateEnum(taint.effect, taintEffects, p.child("effect")));
    });
    return errs;
  },

  validateUpdate(obj, old) {
    // The provider ID names the node behind the pool; once registered it stays.
    return validateSetOnce(obj.spec?.providerID, old.spec?.providerID, specPath.child("providerID"));
  },

  validateStatus(obj): FieldError[] {
    const status = obj.status ?? {};
    const errs = [
      ...validateConditions(status.conditions, statusPath.child("conditions")),
      ...validateResourceList(status.capacity, statusPath.child("capacity")),
      ...validateResourceList(status.allocatable, statusPath.child("allocatable")),
    ];
    (status.availableMachineClasses ?? []).forEach((ref, i) => {
      if (!ref.name) errs.push(statusPath.child("availableMachineClasses").index(i).child("name").required());
    });
    return errs;
  },
};
