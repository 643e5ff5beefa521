/**
 * Field checks for writing KindRules: names, references, enum-like strings, selectors, template
 * metadata, immutable and set-once fields, conditions. Each returns every problem it finds as
 * FieldErrors (never throws), so a kind's validate can concatenate them. Checks that only
 * networking kinds need (IP families and literals, protocols, ports) are in
 * @ironcore-ts/netvalidation.
 */
import {
  type ApiObject,
  type FieldError,
  FieldPath,
  type LabelSelector,
  validateDNSLabel,
  validateDNSSubdomain,
  validateLabelSelector,
  validateLabels,
  validateQualifiedName,
} from "@ironcore-ts/apimachinery";
import type {
  ConditionJson,
  LabelSelectorJson,
  ObjectMetaJson,
} from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";

/** How a kind's names (and names that refer to it) are checked. */
export type NameRule = "DNSLabel" | "DNSSubdomain";

export function validateNameWith(rule: NameRule, value: string, path: FieldPath): FieldError[] {
  return rule === "DNSLabel" ? validateDNSLabel(value, path) : validateDNSSubdomain(value, path);
}

/**
 * The per-kind format of `metadata.name`. Whether a name is present at all, and labels,
 * annotations, namespace and owner references, are checked for every kind by the generic server
 * (objectMetaRules.ts), so they are not repeated here.
 */
export function validateObjectName(obj: ApiObject, rule: NameRule): FieldError[] {
  const name = obj.metadata?.name;
  if (!name) return [];
  return validateNameWith(rule, name, FieldPath.root("metadata").child("name"));
}

/** A `{name}` reference: name required (when the ref is) and in the referenced kind's format. */
export function validateLocalRef(
  ref: { name?: string } | undefined,
  path: FieldPath,
  rule: NameRule,
  required: boolean,
): FieldError[] {
  if (!ref) return required ? [path.required()] : [];
  if (!ref.name) return [path.child("name").required()];
  return validateNameWith(rule, ref.name, path.child("name"));
}

/** An enum-like string: required (when asked) and one of the supported values. */
export function validateEnum(
  value: string | undefined,
  supported: readonly string[],
  path: FieldPath,
  required = true,
): FieldError[] {
  if (!value)
    return required ? [path.required(`supported values: ${supported.map((s) => `"${s}"`).join(", ")}`)] : [];
  return supported.includes(value) ? [] : [path.notSupported(value, supported)];
}

/** `metav1.LabelSelector` in its proto JSON form (operator is a plain string there). */
export function validateSelector(selector: LabelSelectorJson | undefined, path: FieldPath): FieldError[] {
  // LabelSelector (apimachinery) is assignable to the JSON type, so the cast is a narrowing one;
  // validateLabelSelector reports an unknown operator itself.
  return validateLabelSelector(selector as LabelSelector | undefined, path);
}

/** Annotation keys follow label key rules; values are free-form (total size bounded). */
const maxAnnotationsBytes = 256 * 1024;

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...validateQualifiedName(k, path.key(k)));
    size += k.length + v.length;
  }
  if (size > maxAnnotationsBytes) errs.push(path.tooLong(size, maxAnnotationsBytes));
  return errs;
}

const templateMetaForbidden: readonly (keyof ObjectMetaJson)[] = [
  "name",
  "generateName",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "ownerReferences",
  "finalizers",
];

/**
 * Metadata of an ephemeral object's template: only labels and annotations; the controller that
 * creates the object chooses its name, namespace and owner.
 */
export function validateTemplateMetadata(
  meta: ObjectMetaJson | undefined,
  path: FieldPath,
  what: string,
): FieldError[] {
  if (!meta) return [];
  const errs = [
    ...validateLabels(meta.labels, path.child("labels")),
    ...validateAnnotations(meta.annotations, path.child("annotations")),
  ];
  for (const field of templateMetaForbidden) {
    const v = meta[field];
    const set = Array.isArray(v) ? v.length > 0 : v !== undefined && v !== "" && v !== 0;
    if (set) errs.push(path.child(field).forbidden(`cannot be set for ${what}`));
  }
  return errs;
}

/** Structural equality of JSON values (key order ignored; absent and undefined are the same). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    if (!jsonEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/** An immutable field: any change (including setting or clearing it) is refused. */
export function validateImmutable(value: unknown, old: unknown, path: FieldPath): FieldError[] {
  return jsonEqual(value, old) ? [] : [path.immutable(value)];
}

/**
 * A set-once field: may go from unset to set, never change or be cleared afterwards.
 * `isSet` decides what counts as set (e.g. a non-empty string).
 */
export function validateSetOnce(
  value: unknown,
  old: unknown,
  path: FieldPath,
  isSet: (v: unknown) => boolean = (v) => v !== undefined && v !== "",
): FieldError[] {
  if (!isSet(old) || jsonEqual(value, old)) return [];
  return [{ ...path.immutable(value), detail: "field is immutable once set" }];
}

/** Collects `Duplicate` errors for values seen before (empty values are skipped). */
export class DuplicateTracker {
  private readonly seen = new Set<string>();

  check(value: string | undefined, path: FieldPath): FieldError[] {
    if (!value) return [];
    if (this.seen.has(value)) return [path.duplicate(value)];
    this.seen.add(value);
    return [];
  }
}

/** Status conditions: a type each (no type twice) and status True/False/Unknown. */
export function validateConditions(
  conditions: readonly ConditionJson[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const types = new DuplicateTracker();
  (conditions ?? []).forEach((c, i) => {
    const p = path.index(i);
    if (!c.type) errs.push(p.child("type").required());
    errs.push(...types.check(c.type, p.child("type")));
    errs.push(...validateEnum(c.status, ["True", "False", "Unknown"], p.child("status")));
  });
  return errs;
}
