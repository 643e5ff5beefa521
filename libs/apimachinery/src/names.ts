import type { FieldError, FieldPath } from "./fieldError.js";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDNS1123Label(s: string): boolean {
  return s.length <= 63 && dns1123Label.test(s);
}

export function isDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && dns1123Subdomain.test(s);
}

export function validateDNSLabel(value: string, path: FieldPath): FieldError[] {
  if (isDNS1123Label(value)) return [];
  return [
    path.invalid(
      value,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and have at most 63 characters",
    ),
  ];
}

export function validateDNSSubdomain(value: string, path: FieldPath): FieldError[] {
  if (isDNS1123Subdomain(value)) return [];
  return [
    path.invalid(
      value,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', start and end with an alphanumeric character, and have at most 253 characters",
    ),
  ];
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name <= 63 characters. */
export function validateQualifiedName(key: string, path: FieldPath): FieldError[] {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok =
    (prefix === undefined || isDNS1123Subdomain(prefix)) &&
    name.length > 0 &&
    name.length <= 63 &&
    qualifiedNamePart.test(name);
  if (ok) return [];
  return [
    path.invalid(
      key,
      "name part must consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character and have at most 63 characters, with an optional DNS subdomain prefix and '/'",
    ),
  ];
}

export function validateLabelValue(value: string, path: FieldPath): FieldError[] {
  if (value.length <= 63 && labelValue.test(value)) return [];
  return [
    path.invalid(
      value,
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
    ),
  ];
}

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateQualifiedName(k, path.key(k)), ...validateLabelValue(v, path.key(k)));
  }
  return errs;
}
