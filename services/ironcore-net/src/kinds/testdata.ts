/** Test support for the kind rules: hooks run in the server's order, and findings as [path, type]. */
import type { ApiObject, FieldError } from "@ironcore-ts/apimachinery";
import type { KindRules } from "@ironcore-ts/apiserver";
import { apinetApiVersion } from "../apinet.js";

export function admit<T extends ApiObject>(rules: KindRules<T>, obj: T): FieldError[] {
  rules.default?.(obj);
  rules.prepareForWrite?.(obj);
  return rules.validate?.(obj) ?? [];
}

export function admitUpdate<T extends ApiObject>(rules: KindRules<T>, obj: T, old: T): FieldError[] {
  rules.default?.(old);
  return [...admit(rules, obj), ...(rules.validateUpdate?.(obj, old) ?? [])];
}

export function problems(errs: readonly FieldError[]): [string, string][] {
  return errs.map((e) => [e.path, e.type]);
}

export function object<T extends ApiObject>(
  kind: string,
  name: string,
  fields: Omit<T, "metadata" | "apiVersion" | "kind">,
): T {
  return { apiVersion: apinetApiVersion, kind, metadata: { name, namespace: "default" }, ...fields } as T;
}
