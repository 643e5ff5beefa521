/**
 * Field checks of the networking kinds of both API servers (networking.ironcore.dev in
 * ironcore-api, core.apinet.ironcore.dev in ironcore-net): IP families, IP and prefix literals,
 * protocols and ports. Like the generic checks in @ironcore-ts/apiserver (fieldRules.ts), each
 * returns every problem it finds as FieldErrors and never throws.
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { validateEnum } from "@ironcore-ts/apiserver";
import { ipFamilies, isIPFamily, parseIP, parsePrefix } from "@ironcore-ts/ipam";

export function validateIPFamily(value: string | undefined, path: FieldPath, required = true): FieldError[] {
  return validateEnum(value, ipFamilies, path, required);
}

/** A list of IP families: non-empty, each IPv4/IPv6, no family twice (dual stack at most). */
export function validateIPFamilyList(families: readonly string[] | undefined, path: FieldPath): FieldError[] {
  const list = families ?? [];
  if (list.length === 0) return [path.required("at least one IP family is required")];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((family, i) => {
    errs.push(...validateIPFamily(family, path.index(i)));
    if (seen.has(family)) errs.push(path.index(i).duplicate(family));
    seen.add(family);
  });
  return errs;
}

/** A literal IP, optionally of a given family (`expected` undefined: any family). */
export function validateIPLiteral(
  value: string,
  expected: string | undefined,
  path: FieldPath,
): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [path.invalid(value, "must be a valid IP address")];
  if (expected !== undefined && isIPFamily(expected) && ip.family !== expected) {
    return [path.invalid(value, `expected IP family ${expected} but got ${ip.family}`)];
  }
  return [];
}

/** A literal prefix (CIDR), optionally of a given family. */
export function validatePrefixLiteral(
  value: string,
  expected: string | undefined,
  path: FieldPath,
): FieldError[] {
  const p = parsePrefix(value);
  if (!p) return [path.invalid(value, "must be a valid IP prefix (CIDR), e.g. 10.0.0.0/24")];
  if (expected !== undefined && isIPFamily(expected) && p.family !== expected) {
    return [path.invalid(value, `expected IP family ${expected} but got ${p.family}`)];
  }
  return [];
}

export const protocols = ["TCP", "UDP", "SCTP"] as const;

export function validateProtocol(value: string | undefined, path: FieldPath): FieldError[] {
  return validateEnum(value, protocols, path, false);
}

export function validatePortNumber(value: number | undefined, path: FieldPath): FieldError[] {
  const n = value ?? 0;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return [];
  return [path.invalid(n, "must be between 1 and 65535, inclusive")];
}
