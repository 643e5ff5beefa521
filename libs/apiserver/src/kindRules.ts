import type { ApiObject, FieldError } from "@ironcore-ts/apimachinery";

/**
 * The per-kind hooks an API server runs on every write, in this order:
 *   create: default(obj) -> validate(obj)
 *   update: default(obj) -> validate(obj) -> validateUpdate(obj, old)
 *   status: validateStatus(obj) (only status changed; spec is kept from the stored object)
 * Objects are in their canonical JSON form (proto JSON: unset fields absent, JSON names as in
 * upstream YAML). Hooks see the whole object; paths in FieldErrors start at the object root
 * ("spec.ips[0].value", "metadata.name").
 *
 * A hook reports every problem it finds (never just the first), and never throws for bad
 * input: throwing is for bugs.
 */
export interface KindRules<T extends ApiObject = ApiObject> {
  /** Fills defaults in place (upstream defaulting, reference section 9). */
  default?(obj: T): void;
  /** Validates a whole object: names, required fields, formats, cross-field rules. */
  validate?(obj: T): FieldError[];
  /** Checks the transition from `old` to `obj`: immutable fields, set-once fields. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Validates a status write. */
  validateStatus?(obj: T): FieldError[];
  /**
   * Called on create and update to drop fields the kind ignores for some variants (upstream:
   * LoadBalancer `ips` are only kept for type Internal).
   */
  prepareForWrite?(obj: T): void;
}
