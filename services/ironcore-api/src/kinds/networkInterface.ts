/**
 * NetworkInterface (networking.ironcore.dev/v1alpha1): a machine's NIC in a network, with its
 * IPs, routed prefixes and optional public VirtualIP. Reference: ironcore-api.md sections 2, 9, 10.
 */
import { type ApiObject, type FieldError, FieldPath, isDNS1123Label } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
  validateTemplateMetadata,
} from "@ironcore-ts/apiserver";
import type {
  NetworkInterfaceJson,
  NetworkInterfaceSpecJson,
  VirtualIPSourceJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import { canonicalIP, canonicalPrefix } from "@ironcore-ts/ipam";
import { validateIPFamilyList, validateIPLiteral, validatePrefixLiteral } from "@ironcore-ts/netvalidation";
import {
  defaultIPSources,
  defaultPrefixSources,
  validateIPSources,
  validatePrefixSources,
} from "../validation/ipSources.js";
import { validateUIDRef, validateVirtualIPSpec } from "./virtualIP.js";

export type NetworkInterfaceObject = NetworkInterfaceJson & ApiObject;

export const networkInterfaceStates = ["Pending", "Available", "Error"] as const;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

/** Spec defaulting, also applied to the NIC templates of Machines. */
export function defaultNetworkInterfaceSpec(spec: NetworkInterfaceSpecJson): void {
  defaultIPSources(spec);
  defaultPrefixSources(spec.prefixes);
}

function validateVirtualIPSource(
  src: VirtualIPSourceJson,
  nicName: string | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const hasRef = src.virtualIPRef !== undefined;
  if (hasRef) {
    // VirtualIP names are DNS labels.
    errs.push(...validateLocalRef(src.virtualIPRef, path.child("virtualIPRef"), "DNSLabel", true));
  }
  if (src.ephemeral) {
    const ePath = path.child("ephemeral");
    if (hasRef) {
      errs.push(ePath.forbidden("cannot specify both virtualIPRef and ephemeral"));
    } else {
      const tPath = ePath.child("virtualIPTemplate");
      const template = src.ephemeral.virtualIPTemplate;
      if (!template) {
        errs.push(tPath.required("an ephemeral virtual IP needs a virtualIPTemplate"));
      } else {
        errs.push(
          ...validateTemplateMetadata(template.metadata, tPath.child("metadata"), "an ephemeral virtual IP"),
          ...validateVirtualIPSpec(template.spec, tPath.child("spec")),
        );
      }
      // The ephemeral VirtualIP is named like its NIC, but VirtualIP names are DNS labels while
      // NIC names may be subdomains: refuse here what the controller could never create.
      if (nicName && !isDNS1123Label(nicName)) {
        errs.push(
          ePath.invalid(
            nicName,
            `the ephemeral VirtualIP would be named "${nicName}", which is not a valid DNS label (no dots, at most 63 characters)`,
          ),
        );
      }
    }
  }
  if (!hasRef && !src.ephemeral) errs.push(path.required("must specify virtualIPRef or ephemeral"));
  return errs;
}

/**
 * The NIC spec rules, also used for NIC templates inside Machines. `nicName` is the name of the
 * NIC (for templates: the name the ephemeral controller will give it), used to check the names
 * of the objects derived from it; undefined skips those checks.
 */
export function validateNetworkInterfaceSpec(
  spec: NetworkInterfaceSpecJson | undefined,
  nicName: string | undefined,
  path: FieldPath,
): FieldError[] {
  const s = spec ?? {};
  const families = s.ipFamilies ?? [];
  const ips = s.ips ?? [];
  const errs = [
    ...validateLocalRef(s.networkRef, path.child("networkRef"), "DNSSubdomain", true),
    // Machine names are DNS labels.
    ...validateUIDRef(s.machineRef, path.child("machineRef"), "DNSLabel"),
    ...validateIPFamilyList(families, path.child("ipFamilies")),
  ];
  // One family per IP, same index. (An empty ipFamilies is already reported as required.)
  if (families.length > 0 && families.length !== ips.length) {
    errs.push(
      path
        .child("ips")
        .invalid(
          ips.length,
          `must have one entry per ipFamilies entry (${families.length} ipFamilies, ${ips.length} ips)`,
        ),
    );
  }
  errs.push(
    ...validateIPSources(ips, families, nicName, path.child("ips"), false),
    ...validatePrefixSources(s.prefixes, nicName, path.child("prefixes")),
  );
  if (s.virtualIP) errs.push(...validateVirtualIPSource(s.virtualIP, nicName, path.child("virtualIP")));
  return errs;
}

export const networkInterfaceRules: KindRules<NetworkInterfaceObject> = {
  default(obj) {
    if (obj.spec) defaultNetworkInterfaceSpec(obj.spec);
    obj.status ??= {};
    const status = obj.status;
    status.state ||= "Pending";
    if (status.ips) status.ips = status.ips.map((ip) => canonicalIP(ip) ?? ip);
    if (status.prefixes) status.prefixes = status.prefixes.map((p) => canonicalPrefix(p) ?? p);
    if (status.virtualIP) status.virtualIP = canonicalIP(status.virtualIP) ?? status.virtualIP;
  },

  validate(obj) {
    return [
      ...validateObjectName(obj, "DNSSubdomain"),
      ...validateNetworkInterfaceSpec(obj.spec, obj.metadata.name, specPath),
    ];
  },

  validateUpdate(obj, old) {
    // The spec is immutable except providerID (machine pool), ips, prefixes, machineRef
    // (binding) and virtualIP. Reported per field so the user sees which one they changed.
    const s = obj.spec ?? {};
    const o = old.spec ?? {};
    return [
      ...validateImmutable(s.networkRef, o.networkRef, specPath.child("networkRef")),
      ...validateImmutable(s.ipFamilies, o.ipFamilies, specPath.child("ipFamilies")),
      ...validateImmutable(s.attributes, o.attributes, specPath.child("attributes")),
    ];
  },

  validateStatus(obj) {
    const status = obj.status ?? {};
    const errs = validateEnum(status.state, networkInterfaceStates, statusPath.child("state"), false);
    (status.ips ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, undefined, statusPath.child("ips").index(i)));
    });
    (status.prefixes ?? []).forEach((p, i) => {
      errs.push(...validatePrefixLiteral(p, undefined, statusPath.child("prefixes").index(i)));
    });
    if (status.virtualIP)
      errs.push(...validateIPLiteral(status.virtualIP, undefined, statusPath.child("virtualIP")));
    return errs;
  },
};
