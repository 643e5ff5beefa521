/**
 * Prefix (ipam.ironcore.dev/v1alpha1): an IP range, either a root (`prefix` given, no parent) or
 * allocated from a parent (`parentRef` / `parentSelector`) by the prefix controller. Ephemeral
 * NIC and LoadBalancer IPs are Prefixes. Reference: ironcore-api.md section 2 (ipam Prefix).
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateObjectName,
  validateSetOnce,
} from "@ironcore-ts/apiserver";
import type { PrefixJson } from "@ironcore-ts/gen/ironcore/ipam/v1alpha1/prefix_pb.js";
import { canonicalPrefix, type ParsedPrefix, parsePrefix, prefixContains } from "@ironcore-ts/ipam";
import { validatePrefixLiteral } from "@ironcore-ts/netvalidation";
import { defaultPrefixSpec, isRootPrefix, validatePrefixSpec } from "../validation/prefixSpec.js";

export type PrefixObject = PrefixJson & ApiObject;

export const prefixPhases = ["Pending", "Allocated"] as const;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

export const prefixRules: KindRules<PrefixObject> = {
  default(obj) {
    if (obj.spec) defaultPrefixSpec(obj.spec);
    if (obj.status?.used) obj.status.used = obj.status.used.map((u) => canonicalPrefix(u) ?? u);
  },

  validate(obj) {
    // Upstream names Prefixes as DNS labels, but ephemeral Prefixes are named `<nic>-<i>` after
    // NICs, whose names are DNS subdomains; a label rule would refuse Prefixes the ephemeral
    // controllers must create. DNS subdomain keeps both consistent.
    return [...validateObjectName(obj, "DNSSubdomain"), ...validatePrefixSpec(obj.spec, specPath)];
  },

  validateUpdate(obj, old) {
    const s = obj.spec ?? {};
    const o = old.spec ?? {};
    // The prefix controller writes prefix (and the user may write prefixLength) once when it
    // allocates; a parentRef may be filled in once for a child found by parentSelector.
    const errs = [
      ...validateSetOnce(s.prefix, o.prefix, specPath.child("prefix")),
      ...validateSetOnce(s.prefixLength, o.prefixLength, specPath.child("prefixLength")),
      ...validateImmutable(s.ipFamily, o.ipFamily, specPath.child("ipFamily")),
      ...validateImmutable(s.parentSelector, o.parentSelector, specPath.child("parentSelector")),
    ];
    if (o.parentRef !== undefined || isRootPrefix(o)) {
      errs.push(...validateImmutable(s.parentRef, o.parentRef, specPath.child("parentRef")));
    }
    return errs;
  },

  validateStatus(obj) {
    const status = obj.status ?? {};
    const errs = validateEnum(status.phase, prefixPhases, statusPath.child("phase"), false);
    const used = status.used ?? [];
    if (status.phase === "Allocated" && !obj.spec?.prefix) {
      errs.push(specPath.child("prefix").required("an Allocated prefix must have spec.prefix"));
    }
    if (status.phase !== "Allocated" && used.length > 0) {
      errs.push(statusPath.child("used").forbidden("may only be set when the phase is Allocated"));
    }
    const own = obj.spec?.prefix ? parsePrefix(obj.spec.prefix) : undefined;
    const seen: { prefix: ParsedPrefix; index: number }[] = [];
    used.forEach((u, i) => {
      const p = statusPath.child("used").index(i);
      const parsed = parsePrefix(u);
      if (!parsed) {
        errs.push(...validatePrefixLiteral(u, undefined, p));
        return;
      }
      if (own && !prefixContains(own, parsed))
        errs.push(p.forbidden(`not contained in prefix ${obj.spec?.prefix}`));
      const overlap = seen.find((s) => prefixContains(s.prefix, parsed) || prefixContains(parsed, s.prefix));
      if (overlap) errs.push(p.forbidden(`overlaps with ${statusPath.child("used").index(overlap.index)}`));
      seen.push({ prefix: parsed, index: i });
    });
    return errs;
  },
};
