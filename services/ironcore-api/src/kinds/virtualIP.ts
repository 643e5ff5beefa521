/**
 * VirtualIP (networking.ironcore.dev/v1alpha1): a public IP, optionally claimed by a NIC
 * (`targetRef`). Reference: ironcore-api.md sections 3 and 10.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateNameWith,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { LocalUIDReferenceJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import type { EphemeralVirtualIPSpecJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import type { VirtualIPJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/virtualip_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPFamily, validateIPLiteral } from "@ironcore-ts/netvalidation";

export type VirtualIPObject = VirtualIPJson & ApiObject;

/** Only public virtual IPs exist in this API version. */
export const virtualIPTypes = ["Public"] as const;
export const reclaimPolicies = ["Retain", "Delete"] as const;

const specPath = FieldPath.root("spec");

/**
 * A `{name, uid}` reference written by a controller (VirtualIP targetRef, NIC machineRef): the
 * uid is what release controllers compare, so both parts are required.
 */
export function validateUIDRef(
  ref: LocalUIDReferenceJson | undefined,
  path: FieldPath,
  rule: "DNSLabel" | "DNSSubdomain",
): FieldError[] {
  if (!ref) return [];
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(path.child("name").required());
  else errs.push(...validateNameWith(rule, ref.name, path.child("name")));
  if (!ref.uid) errs.push(path.child("uid").required());
  return errs;
}

/**
 * The spec of a VirtualIP, also used for the ephemeral VirtualIP template of a NIC (whose spec
 * adds `reclaimPolicy`).
 */
export function validateVirtualIPSpec(
  spec: EphemeralVirtualIPSpecJson | undefined,
  path: FieldPath,
): FieldError[] {
  const s = spec ?? {};
  return [
    ...validateEnum(s.type, virtualIPTypes, path.child("type")),
    ...validateIPFamily(s.ipFamily, path.child("ipFamily")),
    // The target is a NetworkInterface, whose names are DNS subdomains.
    ...validateUIDRef(s.targetRef, path.child("targetRef"), "DNSSubdomain"),
    ...validateEnum(s.reclaimPolicy, reclaimPolicies, path.child("reclaimPolicy"), false),
  ];
}

export const virtualIPRules: KindRules<VirtualIPObject> = {
  validate(obj) {
    return [...validateObjectName(obj, "DNSLabel"), ...validateVirtualIPSpec(obj.spec, specPath)];
  },

  validateUpdate(obj, old) {
    // Everything but the claim (targetRef) is immutable: the IP was allocated for this type
    // and family.
    return [
      ...validateImmutable(obj.spec?.type, old.spec?.type, specPath.child("type")),
      ...validateImmutable(obj.spec?.ipFamily, old.spec?.ipFamily, specPath.child("ipFamily")),
    ];
  },

  validateStatus(obj) {
    const ip = obj.status?.ip;
    if (!ip) return [];
    return validateIPLiteral(ip, obj.spec?.ipFamily, FieldPath.root("status").child("ip"));
  },

  default(obj) {
    if (obj.status?.ip) obj.status.ip = canonicalIP(obj.status.ip) ?? obj.status.ip;
  },
};
