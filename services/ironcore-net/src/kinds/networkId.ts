/**
 * NetworkID (cluster-scoped): the claim of one VNI, named after it in decimal.
 * Reference: ironcore-net.md sections 1 and 2.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateImmutable } from "@ironcore-ts/apiserver";
import type { NetworkIDJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkid_pb.js";
import { validateClaimRef } from "./refs.js";

export type NetworkIDObject = NetworkIDJson & ApiObject;

const specPath = FieldPath.root("spec");

export const networkIDRules: KindRules<NetworkIDObject> = {
  validate(obj) {
    const name = obj.metadata.name ?? "";
    const errs = validateClaimRef(obj.spec?.claimRef, specPath.child("claimRef"), true);
    // The name is the claim: only the canonical decimal text, so one VNI has one possible name.
    if (name && !/^(0|[1-9]\d{0,9})$/.test(name)) {
      errs.unshift(
        FieldPath.root("metadata").child("name").invalid(name, "must be a VNI in canonical decimal form"),
      );
    }
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec, old.spec, specPath);
  },
};
