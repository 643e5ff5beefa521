/**
 * Network (core.apinet.ironcore.dev/v1alpha1): a virtual network and its VNI (`spec.id`), which
 * the server allocates (networkAdmission.ts). Reference: ironcore-net.md sections 1 and 2.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  DuplicateTracker,
  type KindRules,
  validateEnum,
  validateImmutable,
  validateNameWith,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { NetworkJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/network_pb.js";
import { canonicalPrefix } from "@ironcore-ts/ipam";
import { validatePrefixLiteral } from "@ironcore-ts/netvalidation";

export type NetworkObject = NetworkJson & ApiObject;

export const networkPeeringStates = ["Pending", "Ready", "Error"] as const;

/** One entry of `status.peerings[<partition>]` (a ListValue in the proto; this is its shape). */
export interface NetworkPeeringStatus {
  id: number;
  state?: (typeof networkPeeringStates)[number];
}

const specPath = FieldPath.root("spec");
const int32Max = 2 ** 31 - 1;

/**
 * A VNI as upstream reads it: base-10, int32 (Go's strconv.ParseInt(s, 10, 32): optional sign,
 * leading zeros allowed). Undefined if it does not parse; the range is the allocator's business.
 */
export function parseVNI(text: string): number | undefined {
  if (!/^[+-]?\d{1,12}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -(2 ** 31) && n <= int32Max ? n : undefined;
}

function validateVNIText(value: string | undefined, path: FieldPath, required: boolean): FieldError[] {
  if (!value) return required ? [path.required()] : [];
  return parseVNI(value) === undefined ? [path.invalid(value, "invalid VNI: must be a base-10 int32")] : [];
}

function validatePeeringStatus(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [path.invalid(value, "must be an object {id, state}")];
  }
  const entry = value as Record<string, unknown>;
  const errs: FieldError[] = [];
  for (const key of Object.keys(entry)) {
    if (key !== "id" && key !== "state") errs.push(path.child(key).unknown());
  }
  if (typeof entry.id !== "number" || !Number.isInteger(entry.id)) {
    errs.push(path.child("id").invalid(entry.id, "must be an integer VNI"));
  }
  if (entry.state !== undefined) {
    errs.push(
      ...(typeof entry.state === "string"
        ? validateEnum(entry.state, networkPeeringStates, path.child("state"))
        : [path.child("state").invalid(entry.state, "must be a string")]),
    );
  }
  return errs;
}

export const networkRules: KindRules<NetworkObject> = {
  default(obj) {
    const spec = obj.spec;
    if (!spec) return;
    // The VNI is stored in canonical decimal, like the NetworkID that names it.
    const id = spec.id ? parseVNI(spec.id) : undefined;
    if (id !== undefined) spec.id = String(id);
    for (const peering of spec.peerings ?? []) {
      const peerId = peering.id ? parseVNI(peering.id) : undefined;
      if (peerId !== undefined) peering.id = String(peerId);
      for (const prefix of peering.prefixes ?? []) {
        if (prefix.prefix) prefix.prefix = canonicalPrefix(prefix.prefix) ?? prefix.prefix;
      }
    }
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateVNIText(spec.id, specPath.child("id"), false),
    ];
    const names = new DuplicateTracker();
    (spec.peerings ?? []).forEach((peering, i) => {
      const p = specPath.child("peerings").index(i);
      if (!peering.name) errs.push(p.child("name").required());
      else errs.push(...validateNameWith("DNSSubdomain", peering.name, p.child("name")));
      errs.push(...names.check(peering.name, p.child("name")));
      errs.push(...validateVNIText(peering.id, p.child("id"), true));
      const prefixNames = new DuplicateTracker();
      (peering.prefixes ?? []).forEach((prefix, j) => {
        const pp = p.child("prefixes").index(j);
        if (!prefix.name) errs.push(pp.child("name").required());
        errs.push(...prefixNames.check(prefix.name, pp.child("name")));
        if (prefix.prefix) errs.push(...validatePrefixLiteral(prefix.prefix, undefined, pp.child("prefix")));
      });
    });
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec?.id, old.spec?.id, specPath.child("id"));
  },

  validateStatus(obj) {
    const errs: FieldError[] = [];
    const peerings = FieldPath.root("status").child("peerings");
    for (const [partition, list] of Object.entries(obj.status?.peerings ?? {})) {
      (list ?? []).forEach((entry, i) => {
        errs.push(...validatePeeringStatus(entry, peerings.key(partition).index(i)));
      });
    }
    return errs;
  },
};
