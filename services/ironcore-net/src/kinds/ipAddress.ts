/**
 * IPAddress (cluster-scoped): the claim of one public address, named after it (canonical form).
 * Reference: ironcore-net.md sections 1 and 3.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateImmutable } from "@ironcore-ts/apiserver";
import type { IPAddressJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ipaddress_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";
import { validateClaimRef } from "./refs.js";

export type IPAddressObject = IPAddressJson & ApiObject;

const specPath = FieldPath.root("spec");

export const ipAddressRules: KindRules<IPAddressObject> = {
  default(obj) {
    if (obj.spec?.ip) obj.spec.ip = canonicalIP(obj.spec.ip) ?? obj.spec.ip;
  },

  validate(obj) {
    const name = obj.metadata.name ?? "";
    const ip = obj.spec?.ip;
    const errs = [];
    if (name && canonicalIP(name) !== name) {
      errs.push(
        FieldPath.root("metadata").child("name").invalid(name, "must be an IP address in canonical form"),
      );
    }
    if (!ip) errs.push(specPath.child("ip").required());
    else {
      errs.push(...validateIPLiteral(ip, undefined, specPath.child("ip")));
      if (name && ip !== name)
        errs.push(specPath.child("ip").invalid(ip, `must equal metadata.name (${name})`));
    }
    errs.push(...validateClaimRef(obj.spec?.claimRef, specPath.child("claimRef"), true));
    return errs;
  },

  validateUpdate(obj, old) {
    return [
      ...validateImmutable(obj.spec?.ip, old.spec?.ip, specPath.child("ip")),
      ...validateImmutable(obj.spec?.claimRef, old.spec?.claimRef, specPath.child("claimRef")),
    ];
  },
};
