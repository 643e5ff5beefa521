/**
 * Reference and claimRef checks shared by the apinet kinds.
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { validateNameWith } from "@ironcore-ts/apiserver";

/** A `{name, uid}` reference written by a controller: both parts are required (uids are compared). */
export function validateUIDRef(
  ref: { name?: string; uid?: string } | undefined,
  path: FieldPath,
  required: boolean,
): FieldError[] {
  if (!ref) return required ? [path.required()] : [];
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(path.child("name").required());
  else errs.push(...validateNameWith("DNSSubdomain", ref.name, path.child("name")));
  if (!ref.uid) errs.push(path.child("uid").required());
  return errs;
}

/**
 * A claimRef `{group, resource, [namespace,] name, uid}` of a claim object: resource, name and
 * uid are required, because the garbage collectors find the claimer by them.
 */
export function validateClaimRef(
  ref: { group?: string; resource?: string; namespace?: string; name?: string; uid?: string } | undefined,
  path: FieldPath,
  required: boolean,
): FieldError[] {
  if (!ref) return required ? [path.required()] : [];
  const errs: FieldError[] = [];
  if (!ref.resource) errs.push(path.child("resource").required());
  if (ref.namespace) errs.push(...validateNameWith("DNSLabel", ref.namespace, path.child("namespace")));
  if (!ref.name) errs.push(path.child("name").required());
  if (!ref.uid) errs.push(path.child("uid").required());
  return errs;
}
