/**
 * `ips[]` (IPSource) and `prefixes[]` (PrefixSource) lists: defaulting and validation shared by
 * NetworkInterface, LoadBalancer and the NIC templates inside Machines. Each entry is a literal
 * (`value`) or an ephemeral ipam Prefix template, which the ephemeral-prefix controllers turn
 * into a Prefix named `<owner>-<i>` (IPs) or `<owner>-pf-<i>` (NIC routed prefixes).
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { isDNS1123Subdomain } from "@ironcore-ts/apimachinery";
import { validateTemplateMetadata } from "@ironcore-ts/apiserver";
import type {
  EphemeralPrefixSourceJson,
  IPSourceJson,
  PrefixSourceJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import {
  canonicalIP,
  canonicalPrefix,
  familyBits,
  type IPFamily,
  ipFamilyOf,
  isIPFamily,
  parsePrefix,
} from "@ironcore-ts/ipam";
import { validateIPLiteral, validatePrefixLiteral } from "@ironcore-ts/netvalidation";
import { defaultPrefixSpec, validatePrefixSpec } from "./prefixSpec.js";

/** The part of NIC and LoadBalancer specs these rules look at. */
export interface IPSourcesSpec {
  ipFamilies?: string[];
  ips?: IPSourceJson[];
}

/** Name of the Prefix an ephemeral IP becomes (`<owner>-<index>`, index counts all entries). */
export function ephemeralIPPrefixName(owner: string, index: number): string {
  return `${owner}-${index}`;
}

/** Name of the Prefix an ephemeral NIC routed prefix becomes (`<nic>-pf-<index>`). */
export function ephemeralRoutedPrefixName(nic: string, index: number): string {
  return `${nic}-pf-${index}`;
}

function templateFamily(src: IPSourceJson): IPFamily | undefined {
  const family = src.ephemeral?.prefixTemplate?.spec?.ipFamily;
  return isIPFamily(family) ? family : undefined;
}

/**
 * Upstream defaulting of an IP list (reference section 9), in order:
 * 1. literals are written canonically; a template's literal prefix lends it its family;
 * 2. empty `ipFamilies` are derived, one per entry (literal: its family; ephemeral: the
 *    template's family). Upstream appends only the families it can determine, which shifts
 *    later entries onto the wrong index when one is unknown; we derive all-or-nothing so a
 *    bad entry is reported as such instead of as a family mismatch on its neighbours;
 * 3. when the lengths match, a template without family takes `ipFamilies[i]`;
 * 4. a template with neither prefix nor prefixLength asks for a single IP: 32 / 128.
 */
export function defaultIPSources(spec: IPSourcesSpec): void {
  const ips = spec.ips ?? [];
  for (const src of ips) {
    if (src.value) src.value = canonicalIP(src.value) ?? src.value;
    const tmplSpec = src.ephemeral?.prefixTemplate?.spec;
    if (tmplSpec) defaultPrefixSpec(tmplSpec);
  }

  if ((spec.ipFamilies ?? []).length === 0 && ips.length > 0) {
    const derived = ips.map((src) => (src.value ? ipFamilyOf(src.value) : templateFamily(src)));
    if (derived.every((f): f is IPFamily => f !== undefined)) spec.ipFamilies = derived;
  }

  const families = spec.ipFamilies ?? [];
  ips.forEach((src, i) => {
    const template = src.ephemeral?.prefixTemplate;
    if (!template) return;
    template.spec ??= {};
    const tmplSpec = template.spec;
    if (!tmplSpec.ipFamily && families.length === ips.length && families[i]) tmplSpec.ipFamily = families[i];
    if (!tmplSpec.prefix && tmplSpec.prefixLength === undefined && isIPFamily(tmplSpec.ipFamily)) {
      tmplSpec.prefixLength = familyBits(tmplSpec.ipFamily);
    }
  });
}

/** Routed prefixes: literals canonical, template families from their literal prefix. */
export function defaultPrefixSources(prefixes: PrefixSourceJson[] | undefined): void {
  for (const src of prefixes ?? []) {
    if (src.value) src.value = canonicalPrefix(src.value) ?? src.value;
    const tmplSpec = src.ephemeral?.prefixTemplate?.spec;
    if (tmplSpec) defaultPrefixSpec(tmplSpec);
  }
}

function validateResultingPrefixName(name: string, path: FieldPath): FieldError[] {
  if (isDNS1123Subdomain(name)) return [];
  return [
    path.invalid(
      name,
      `resulting Prefix name "${name}" is not a valid DNS subdomain (at most 253 characters)`,
    ),
  ];
}

/** The ephemeral side of an IP entry: a Prefix template that must yield exactly one IP of `family`. */
function validateEphemeralIP(
  ephemeral: EphemeralPrefixSourceJson,
  family: string | undefined,
  path: FieldPath,
): FieldError[] {
  const tmplPath = path.child("prefixTemplate");
  const template = ephemeral.prefixTemplate;
  if (!template) return [tmplPath.required("an ephemeral IP needs a prefixTemplate")];
  const specPath = tmplPath.child("spec");
  const spec = template.spec ?? {};
  const errs = [
    ...validateTemplateMetadata(template.metadata, tmplPath.child("metadata"), "an ephemeral prefix"),
    ...validatePrefixSpec(spec, specPath),
  ];
  if (isIPFamily(family) && spec.ipFamily && spec.ipFamily !== family) {
    errs.push(specPath.child("ipFamily").forbidden(`must match the IP family of this entry (${family})`));
  }
  const prefix = spec.prefix ? parsePrefix(spec.prefix) : undefined;
  if (prefix && prefix.bits !== familyBits(prefix.family)) {
    errs.push(specPath.child("prefix").forbidden("must be a single IP (/32 or /128)"));
  }
  // Judged by the template's own family, so a template of the wrong family is reported once
  // (at ipFamily) rather than again for its length.
  const ownFamily = isIPFamily(spec.ipFamily) ? spec.ipFamily : isIPFamily(family) ? family : undefined;
  const bits = ownFamily ? familyBits(ownFamily) : 0;
  if (spec.prefixLength !== undefined && bits !== 0 && spec.prefixLength !== bits) {
    errs.push(specPath.child("prefixLength").forbidden(`must be ${bits}: an ephemeral IP is a single IP`));
  }
  return errs;
}

/**
 * Validates `ips[]` against `ipFamilies[]` (same index). `owner` is the name of the object the
 * ephemeral Prefixes are named after (unknown for templates whose object name is chosen later).
 * `reportMissingFamily`: flag entries past the end of `ipFamilies` one by one (LoadBalancer,
 * which has no length rule; a NIC reports the length mismatch once instead).
 */
export function validateIPSources(
  ips: readonly IPSourceJson[] | undefined,
  families: readonly string[] | undefined,
  owner: string | undefined,
  path: FieldPath,
  reportMissingFamily: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  (ips ?? []).forEach((src, i) => {
    const p = path.index(i);
    const family = families?.[i];
    const hasValue = Boolean(src.value);
    if (hasValue) {
      errs.push(...validateIPLiteral(src.value!, family, p.child("value")));
    }
    if (src.ephemeral) {
      if (hasValue) {
        errs.push(p.child("ephemeral").forbidden("cannot specify both value and ephemeral"));
      } else {
        errs.push(...validateEphemeralIP(src.ephemeral, family, p.child("ephemeral")));
        if (owner) errs.push(...validateResultingPrefixName(ephemeralIPPrefixName(owner, i), p));
      }
    }
    if (!hasValue && !src.ephemeral) errs.push(p.required("must specify value or ephemeral"));
    if (
      reportMissingFamily &&
      family === undefined &&
      (families ?? []).length > 0 &&
      (hasValue || src.ephemeral)
    ) {
      errs.push(p.invalid(src.value ?? "ephemeral", "has no matching ipFamilies entry (same index)"));
    }
  });
  return errs;
}

/** Validates a NIC's `prefixes[]`: each a literal CIDR or a Prefix template. */
export function validatePrefixSources(
  prefixes: readonly PrefixSourceJson[] | undefined,
  owner: string | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (prefixes ?? []).forEach((src, i) => {
    const p = path.index(i);
    const hasValue = Boolean(src.value);
    if (hasValue) errs.push(...validatePrefixLiteral(src.value!, undefined, p.child("value")));
    if (src.ephemeral) {
      if (hasValue) {
        errs.push(p.child("ephemeral").forbidden("cannot specify both value and ephemeral"));
      } else {
        const tmplPath = p.child("ephemeral").child("prefixTemplate");
        const template = src.ephemeral.prefixTemplate;
        if (!template) {
          errs.push(tmplPath.required("an ephemeral prefix needs a prefixTemplate"));
        } else {
          errs.push(
            ...validateTemplateMetadata(template.metadata, tmplPath.child("metadata"), "an ephemeral prefix"),
            ...validatePrefixSpec(template.spec, tmplPath.child("spec")),
          );
        }
        if (owner) errs.push(...validateResultingPrefixName(ephemeralRoutedPrefixName(owner, i), p));
      }
    }
    if (!hasValue && !src.ephemeral) errs.push(p.required("must specify value or ephemeral"));
  });
  return errs;
}
