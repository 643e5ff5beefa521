/**
 * Kubernetes resource quantities (`4`, `500m`, `16Gi`, `1e3`) as MachineClass capabilities,
 * MachinePool capacity and volume size limits carry them. Only the syntax and the sign matter
 * for validation, so the number is not evaluated.
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";

const quantity = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

export interface QuantitySign {
  negative: boolean;
  zero: boolean;
}

export function parseQuantitySign(s: string): QuantitySign | undefined {
  const m = quantity.exec(s);
  if (!m) return undefined;
  const zero = !/[1-9]/.test(m[2]!);
  return { negative: m[1] === "-" && !zero, zero };
}

export function validateQuantity(
  value: string,
  path: FieldPath,
  sign: "any" | "nonNegative" | "positive" = "nonNegative",
): FieldError[] {
  const q = parseQuantitySign(value);
  if (!q) {
    return [path.invalid(value, "must be a quantity, e.g. 4, 500m, 16Gi (regex [+-]?number[suffix])")];
  }
  if (sign !== "any" && q.negative) return [path.invalid(value, "must be greater than or equal to 0")];
  if (sign === "positive" && q.zero) return [path.invalid(value, "must be greater than 0")];
  return [];
}
