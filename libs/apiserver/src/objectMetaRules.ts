import {
  type ApiObject,
  type FieldError,
  FieldPath,
  validateDNSLabel,
  validateLabels,
  validateQualifiedName,
} from "@ironcore-ts/apimachinery";
import type { KindDefinition } from "./kindDefinition.js";

const metadata = FieldPath.root("metadata");

/** Rules every object's metadata follows, whatever its kind (name formats are per kind). */
export function validateObjectMeta(obj: ApiObject, def: KindDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata;
  if (!meta.name) errs.push(metadata.child("name").required("name or generateName is required"));
  if (def.namespaced) {
    errs.push(...validateDNSLabel(meta.namespace ?? "", metadata.child("namespace")));
  } else if (meta.namespace) {
    errs.push(metadata.child("namespace").forbidden(`${def.kind} is not namespaced`));
  }
  errs.push(...validateLabels(meta.labels, metadata.child("labels")));
  for (const key of Object.keys(meta.annotations ?? {})) {
    errs.push(...validateQualifiedName(key, metadata.child("annotations").key(key)));
  }
  let controllers = 0;
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const p = metadata.child("ownerReferences").index(i);
    for (const field of ["apiVersion", "kind", "name", "uid"] as const) {
      if (!ref[field]) errs.push(p.child(field).required());
    }
    if (ref.controller) controllers++;
  });
  if (controllers > 1) {
    errs.push(
      metadata
        .child("ownerReferences")
        .invalid(controllers, "only one reference can have controller set to true"),
    );
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    errs.push(...validateQualifiedName(f, metadata.child("finalizers").index(i)));
  });
  return errs;
}

/** Checks on the transition of metadata a client may not make. */
export function validateObjectMetaUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  if (!old.metadata.deletionTimestamp) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  return [
    metadata
      .child("finalizers")
      .forbidden(`no new finalizers can be added while the object is being deleted (${added.join(", ")})`),
  ];
}
