import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { type FieldError, FieldPath } from "@ironcore-ts/apimachinery";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SchemaCheckResult {
  /** The input with nulls removed and scalars coerced to the schema's types. */
  value: Record<string, Json>;
  errors: FieldError[];
}

const int32Types = new Set([
  ScalarType.INT32,
  ScalarType.SINT32,
  ScalarType.SFIXED32,
  ScalarType.UINT32,
  ScalarType.FIXED32,
]);
const int64Types = new Set([
  ScalarType.INT64,
  ScalarType.SINT64,
  ScalarType.SFIXED64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
]);
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  return typeof v === "object" ? "object" : typeof v;
}

/**
 * Checks a JSON document against a protobuf message schema before it is decoded, so that a user
 * learns about every unknown or mistyped field at once, with its path — protobuf's own JSON
 * decoder stops at the first problem and names no path. Quantities such as `cpu: 4` are coerced
 * to the string the schema expects, as Kubernetes' int-or-string does.
 */
export function checkAgainstSchema(
  input: unknown,
  desc: DescMessage,
  root = FieldPath.root(),
): SchemaCheckResult {
  const errors: FieldError[] = [];
  if (!isObject(input as Json)) {
    errors.push(root.invalid(input, `must be an object, got ${typeName(input as Json)}`));
    return { value: {}, errors };
  }
  const value = checkMessage(input as { [key: string]: Json }, desc, root, errors);
  return { value: isObject(value) ? value : {}, errors };
}

function fieldIndex(desc: DescMessage): Map<string, DescField> {
  const index = new Map<string, DescField>();
  for (const f of desc.fields) {
    index.set(f.jsonName, f);
    index.set(f.name, f);
  }
  return index;
}

const indexCache = new WeakMap<DescMessage, Map<string, DescField>>();

function fieldsOf(desc: DescMessage): Map<string, DescField> {
  let index = indexCache.get(desc);
  if (!index) {
    index = fieldIndex(desc);
    indexCache.set(desc, index);
  }
  return index;
}

function checkMessage(v: Json, desc: DescMessage, path: FieldPath, errors: FieldError[]): Json | undefined {
  switch (desc.typeName) {
    case "google.protobuf.Struct":
      if (!isObject(v)) errors.push(path.invalid(v, `must be an object, got ${typeName(v)}`));
      return v;
    case "google.protobuf.Value":
      return v;
    case "google.protobuf.ListValue":
      if (!Array.isArray(v)) errors.push(path.invalid(v, `must be a list, got ${typeName(v)}`));
      return v;
    case "google.protobuf.Timestamp":
      if (typeof v !== "string" || !rfc3339.test(v)) {
        errors.push(path.invalid(v, "must be an RFC 3339 timestamp such as 2025-01-13T11:39:17Z"));
      }
      return v;
  }
  if (!isObject(v)) {
    errors.push(path.invalid(v, `must be an object, got ${typeName(v)}`));
    return undefined;
  }
  const fields = fieldsOf(desc);
  const out: { [key: string]: Json } = {};
  for (const [key, raw] of Object.entries(v)) {
    const field = fields.get(key);
    const fieldPath = path.child(key);
    if (!field) {
      errors.push(fieldPath.unknown());
      continue;
    }
    // JSON null (and an in-process `undefined`) mean "not set", as in protobuf's JSON mapping.
    if (raw === null || raw === undefined) continue;
    const checked = checkField(raw, field, fieldPath, errors);
    if (checked !== undefined) out[field.jsonName] = checked;
  }
  return out;
}

function checkField(v: Json, field: DescField, path: FieldPath, errors: FieldError[]): Json | undefined {
  switch (field.fieldKind) {
    case "scalar":
      return checkScalar(v, field.scalar, path, errors);
    case "enum":
      return v;
    case "message":
      return checkMessage(v, field.message, path, errors);
    case "list": {
      if (!Array.isArray(v)) {
        errors.push(path.invalid(v, `must be a list, got ${typeName(v)}`));
        return undefined;
      }
      return v.map((item, i) => {
        const p = path.index(i);
        if (field.listKind === "message") return checkMessage(item, field.message, p, errors) ?? null;
        if (field.listKind === "scalar") return checkScalar(item, field.scalar, p, errors) ?? null;
        return item;
      });
    }
    case "map": {
      if (!isObject(v)) {
        errors.push(path.invalid(v, `must be a map, got ${typeName(v)}`));
        return undefined;
      }
      const out: { [key: string]: Json } = {};
      for (const [k, item] of Object.entries(v)) {
        const p = path.key(k);
        const checked =
          field.mapKind === "message"
            ? checkMessage(item, field.message, p, errors)
            : field.mapKind === "scalar"
              ? checkScalar(item, field.scalar, p, errors)
              : item;
        if (checked !== undefined) out[k] = checked;
      }
      return out;
    }
  }
}

function checkScalar(v: Json, type: ScalarType, path: FieldPath, errors: FieldError[]): Json | undefined {
  if (type === ScalarType.STRING) {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    errors.push(path.invalid(v, `must be a string, got ${typeName(v)}`));
    return undefined;
  }
  if (type === ScalarType.BOOL) {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    errors.push(path.invalid(v, `must be a boolean, got ${typeName(v)}`));
    return undefined;
  }
  if (int32Types.has(type) || int64Types.has(type)) {
    const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      errors.push(path.invalid(v, `must be an integer, got ${typeName(v)}`));
      return undefined;
    }
    const unsigned = type === ScalarType.UINT32 || type === ScalarType.FIXED32;
    if (
      int32Types.has(type) &&
      (n > (unsigned ? 0xffffffff : 0x7fffffff) || n < (unsigned ? 0 : -0x80000000))
    ) {
      errors.push(path.invalid(v, "is out of range for a 32-bit integer"));
      return undefined;
    }
    return n;
  }
  if (type === ScalarType.DOUBLE || type === ScalarType.FLOAT) {
    if (typeof v === "number") return v;
    errors.push(path.invalid(v, `must be a number, got ${typeName(v)}`));
    return undefined;
  }
  // bytes: base64 text in JSON.
  if (typeof v === "string") return v;
  errors.push(path.invalid(v, `must be base64 text, got ${typeName(v)}`));
  return undefined;
}
