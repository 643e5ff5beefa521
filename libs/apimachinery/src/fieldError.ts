/** Kinds of field problem, with the wording Kubernetes uses so messages read familiar. */
export type FieldErrorType =
  | "Required"
  | "Invalid"
  | "Forbidden"
  | "Duplicate"
  | "NotSupported"
  | "TooLong"
  | "TooMany"
  | "Immutable"
  | "Unknown";

/** One offending field, addressed by its JSON path (`spec.ips[0].value`). */
export interface FieldError {
  path: string;
  type: FieldErrorType;
  value?: unknown;
  detail?: string;
}

const typeText: Record<FieldErrorType, string> = {
  Required: "Required value",
  Invalid: "Invalid value",
  Forbidden: "Forbidden",
  Duplicate: "Duplicate value",
  NotSupported: "Unsupported value",
  TooLong: "Too long",
  TooMany: "Too many",
  Immutable: "Invalid value",
  Unknown: "Unknown field",
};

export function formatFieldError(e: FieldError): string {
  const parts = [`${e.path}: ${typeText[e.type]}`];
  if (e.value !== undefined && e.type !== "Required" && e.type !== "Forbidden" && e.type !== "Unknown") {
    parts.push(JSON.stringify(e.value));
  }
  if (e.detail) parts.push(e.detail);
  return parts.join(": ");
}

export function formatFieldErrors(errs: readonly FieldError[]): string {
  if (errs.length === 1) return formatFieldError(errs[0]!);
  return `[${errs.map(formatFieldError).join(", ")}]`;
}

/**
 * A JSON path under construction. Validators pass paths down instead of strings so the
 * formatting (`a.b[2].c`, `labels[app]`) lives in one place.
 */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name = ""): FieldPath {
    return new FieldPath(name);
  }

  child(name: string): FieldPath {
    return new FieldPath(this.text ? `${this.text}.${name}` : name);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }

  required(detail?: string): FieldError {
    return { path: this.text, type: "Required", detail };
  }

  invalid(value: unknown, detail: string): FieldError {
    return { path: this.text, type: "Invalid", value, detail };
  }

  forbidden(detail: string): FieldError {
    return { path: this.text, type: "Forbidden", detail };
  }

  duplicate(value: unknown): FieldError {
    return { path: this.text, type: "Duplicate", value };
  }

  notSupported(value: unknown, supported: readonly string[]): FieldError {
    return {
      path: this.text,
      type: "NotSupported",
      value,
      detail: `supported values: ${supported.map((s) => `"${s}"`).join(", ")}`,
    };
  }

  immutable(value?: unknown): FieldError {
    return { path: this.text, type: "Immutable", value, detail: "field is immutable" };
  }

  unknown(): FieldError {
    return { path: this.text, type: "Unknown", detail: "field is not part of the schema" };
  }

  tooLong(value: unknown, max: number): FieldError {
    return { path: this.text, type: "TooLong", value, detail: `must have at most ${max} characters` };
  }
}
