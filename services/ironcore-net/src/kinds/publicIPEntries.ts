/**
 * Validation of the public IP entry lists of the claimers: NetworkInterface `publicIPs`,
 * LoadBalancer `ips`, NATGateway `ips` (`{name, ipFamily?, ip?}`; entries without ip get a public
 * IP allocated by the server).
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { DuplicateTracker } from "@ironcore-ts/apiserver";
import { canonicalIP, ipFamilyOf } from "@ironcore-ts/ipam";
import { validateIPFamily, validateIPLiteral } from "@ironcore-ts/netvalidation";

export interface IPEntry {
  name?: string;
  ipFamily?: string;
  ip?: string;
}

/** Canonical addresses and the family derived from the address (upstream defaulting). */
/**
 * Canonical addresses, and the family derived from the address where the entry carries one
 * (NIC publicIPs, LB ips); NATGateway entries have no family field: the gateway's family is theirs.
 */
export function defaultIPEntries(
  entries: IPEntry[] | undefined,
  options: { withFamily?: boolean } = {},
): void {
  const withFamily = options.withFamily ?? true;
  for (const e of entries ?? []) {
    if (e.ip) {
      e.ip = canonicalIP(e.ip) ?? e.ip;
      if (withFamily) e.ipFamily ||= ipFamilyOf(e.ip) ?? "";
    }
  }
}

export interface IPEntryRules {
  /** The family every entry has (NATGateway: spec.ipFamily); entries then carry none. */
  fixedFamily?: string;
  /** At most one entry per family (NIC publicIPs). */
  onePerFamily?: boolean;
  /** Every entry needs an address (Internal load balancers). */
  ipRequired?: boolean;
}

export function validateIPEntries(
  entries: readonly IPEntry[] | undefined,
  path: FieldPath,
  rules: IPEntryRules = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new DuplicateTracker();
  const families = new DuplicateTracker();
  (entries ?? []).forEach((e, i) => {
    const p = path.index(i);
    if (!e.name) errs.push(p.child("name").required());
    errs.push(...names.check(e.name, p.child("name")));
    const family = rules.fixedFamily ?? e.ipFamily;
    if (rules.fixedFamily === undefined) errs.push(...validateIPFamily(e.ipFamily, p.child("ipFamily")));
    if (e.ip) errs.push(...validateIPLiteral(e.ip, family, p.child("ip")));
    else if (rules.ipRequired) errs.push(p.child("ip").required());
    if (rules.onePerFamily && family) {
      const dup = families.check(family, p.child("ipFamily"));
      if (dup.length > 0)
        errs.push(p.child("ipFamily").forbidden(`only one entry of family ${family} is allowed`));
    }
  });
  return errs;
}
