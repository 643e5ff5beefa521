/**
 * ipam.ironcore.dev Prefix spec rules. They are shared by the Prefix kind and by every ephemeral
 * prefix template (NIC / LoadBalancer IPs, NIC routed prefixes), because the template's spec
 * becomes the spec of a real Prefix object and must pass the same checks then.
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { validateLocalRef, validateSelector } from "@ironcore-ts/apiserver";
import type { PrefixSpecJson } from "@ironcore-ts/gen/ironcore/ipam/v1alpha1/prefix_pb.js";
import { canonicalPrefix, familyBits, isIPFamily, parsePrefix } from "@ironcore-ts/ipam";
import { validateIPFamily, validatePrefixLiteral } from "@ironcore-ts/netvalidation";

/** No parentRef and no parentSelector: the prefix is a root and must name its range itself. */
export function isRootPrefix(spec: PrefixSpecJson): boolean {
  return spec.parentRef === undefined && spec.parentSelector === undefined;
}

/**
 * A literal prefix without a family gets the prefix's family (upstream defaulting), and the
 * prefix is written in canonical form so it compares equal however the user spelled it.
 */
export function defaultPrefixSpec(spec: PrefixSpecJson): void {
  if (!spec.prefix) return;
  const p = parsePrefix(spec.prefix);
  if (!p) return;
  spec.prefix = canonicalPrefix(spec.prefix);
  if (!spec.ipFamily) spec.ipFamily = p.family;
}

export function validatePrefixLength(
  value: number,
  family: string | undefined,
  path: FieldPath,
): FieldError[] {
  if (!Number.isInteger(value) || value <= 0) return [path.invalid(value, "must be greater than 0")];
  if (isIPFamily(family) && value > familyBits(family)) {
    return [path.invalid(value, `must be at most ${familyBits(family)} for ${family}`)];
  }
  return [];
}

export function validatePrefixSpec(spec: PrefixSpecJson | undefined, path: FieldPath): FieldError[] {
  const s = spec ?? {};
  const errs = validateIPFamily(s.ipFamily, path.child("ipFamily"));
  const parsed = s.prefix ? parsePrefix(s.prefix) : undefined;
  if (s.prefix) errs.push(...validatePrefixLiteral(s.prefix, s.ipFamily, path.child("prefix")));
  if (s.prefixLength !== undefined) {
    errs.push(...validatePrefixLength(s.prefixLength, s.ipFamily, path.child("prefixLength")));
  }

  if (isRootPrefix(s)) {
    if (s.prefixLength !== undefined) {
      errs.push(
        path
          .child("prefixLength")
          .forbidden(
            "cannot be set on a root prefix (one without parentRef or parentSelector); a root prefix names its range with prefix",
          ),
      );
    }
    if (!s.prefix) {
      errs.push(
        path
          .child("prefix")
          .required("a root prefix (one without parentRef or parentSelector) must specify prefix"),
      );
    }
    return errs;
  }

  if (!s.prefix && s.prefixLength === undefined) {
    errs.push(path.required("a prefix with a parent must specify prefix or prefixLength"));
  }
  if (parsed && s.prefixLength !== undefined && s.prefixLength > 0 && s.prefixLength !== parsed.bits) {
    errs.push(path.child("prefixLength").invalid(s.prefixLength, `does not match prefix ${s.prefix}`));
  }
  errs.push(...validateLocalRef(s.parentRef, path.child("parentRef"), "DNSSubdomain", false));
  errs.push(...validateSelector(s.parentSelector, path.child("parentSelector")));
  return errs;
}
