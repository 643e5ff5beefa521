/**
 * IP (core.apinet.ironcore.dev/v1alpha1): a namespaced handle on one public address, allocated
 * from the public prefixes unless given (ipAdmission.ts). Reference: ironcore-net.md sections 1, 3.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateEnum, validateImmutable, validateObjectName } from "@ironcore-ts/apiserver";
import type { IPJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ip_pb.js";
import { canonicalIP, expandedIPv6, ipFamilyOf, parseIP } from "@ironcore-ts/ipam";
import { validateIPFamily, validateIPLiteral } from "@ironcore-ts/netvalidation";
import { labels } from "../apinet.js";
import { validateClaimRef } from "./refs.js";

export type IPObject = IPJson & ApiObject;

export const ipTypes = ["Public"] as const;

/**
 * The value of the `apinet.ironcore.dev/ip` label: label values may not contain `:`, so IPv6
 * colons become dashes (upstream's encoding).
 * (quirk) Upstream's encoding of an address that starts or ends with `::` (`2001:db8::` ->
 * `2001-db8--`) is not a valid label value, so such an IP cannot be stored there; those
 * addresses use the expanded form (`2001-0db8-0000-...-0000`) here.
 */
function ipLabelValue(ip: string): string {
  const dashed = ip.replaceAll(":", "-");
  if (!dashed.startsWith("-") && !dashed.endsWith("-")) return dashed;
  const parsed = parseIP(ip);
  return parsed ? expandedIPv6(parsed.value) : dashed;
}

const specPath = FieldPath.root("spec");

/** The labels the server keeps on an IP with an address, so claimers can find it by address. */
export function setIPLabels(obj: IPObject): void {
  const ip = obj.spec?.ip;
  const family = obj.spec?.ipFamily;
  if (!ip || !family) return;
  obj.metadata.labels = { ...obj.metadata.labels, [labels.ipFamily]: family, [labels.ip]: ipLabelValue(ip) };
}

/** The label selector that finds the IP object of an address (claimer-side lookups). */
export function ipSelector(family: string, ip: string): string {
  return `${labels.ipFamily}=${family},${labels.ip}=${ipLabelValue(ip)}`;
}

export const ipRules: KindRules<IPObject> = {
  default(obj) {
    const spec = obj.spec;
    if (!spec) return;
    if (spec.ip) {
      spec.ip = canonicalIP(spec.ip) ?? spec.ip;
      spec.ipFamily ||= ipFamilyOf(spec.ip) ?? "";
    }
    // Re-set on every write (upstream PrepareForUpdate): a client cannot drop or change them.
    setIPLabels(obj);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs: FieldError[] = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateEnum(spec.type, ipTypes, specPath.child("type")),
      ...validateIPFamily(spec.ipFamily, specPath.child("ipFamily")),
    ];
    if (spec.ip) errs.push(...validateIPLiteral(spec.ip, spec.ipFamily, specPath.child("ip")));
    errs.push(...validateClaimRef(spec.claimRef, specPath.child("claimRef"), false));
    return errs;
  },

  validateUpdate(obj, old) {
    // The claim may change (claim / release); what was allocated may not.
    return [
      ...validateImmutable(obj.spec?.type, old.spec?.type, specPath.child("type")),
      ...validateImmutable(obj.spec?.ipFamily, old.spec?.ipFamily, specPath.child("ipFamily")),
      ...validateImmutable(obj.spec?.ip, old.spec?.ip, specPath.child("ip")),
    ];
  },
};
