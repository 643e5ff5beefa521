/**
 * NetworkInterface (core.apinet.ironcore.dev/v1alpha1): an interface of a Network on a Node,
 * created by the machine provider. Its internal IPs are unique within the network and its
 * public IPs are claimed by the server (networkInterfaceAdmission.ts).
 * Reference: ironcore-net.md sections 1 and 3.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  DuplicateTracker,
  type KindRules,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateNameWith,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { NetworkInterfaceJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import { canonicalIP, canonicalPrefix, ipFamilyOf } from "@ironcore-ts/ipam";
import { validateIPFamily, validateIPLiteral, validatePrefixLiteral } from "@ironcore-ts/netvalidation";
import { defaultIPEntries, validateIPEntries } from "./publicIPEntries.js";
import { validateUIDRef } from "./refs.js";

export type NetworkInterfaceObject = NetworkInterfaceJson & ApiObject;

export const networkInterfaceStates = ["Pending", "Ready", "Error"] as const;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

export const networkInterfaceRules: KindRules<NetworkInterfaceObject> = {
  default(obj) {
    // Only present lists are rewritten: an object must never carry `undefined` values (they
    // are not JSON and break the Struct encoding of the dynamic service).
    const spec = obj.spec;
    if (spec) {
      if (spec.ips) spec.ips = spec.ips.map((ip) => canonicalIP(ip) ?? ip);
      if (spec.prefixes) spec.prefixes = spec.prefixes.map((p) => canonicalPrefix(p) ?? p);
      defaultIPEntries(spec.publicIPs);
    }
    const status = obj.status;
    if (status) {
      if (status.prefixes) status.prefixes = status.prefixes.map((p) => canonicalPrefix(p) ?? p);
      if (status.publicIPs) status.publicIPs = status.publicIPs.map((ip) => canonicalIP(ip) ?? ip);
      if (status.natIPs) status.natIPs = status.natIPs.map((ip) => canonicalIP(ip) ?? ip);
    }
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs: FieldError[] = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateLocalRef(spec.nodeRef, specPath.child("nodeRef"), "DNSSubdomain", true),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSLabel", true),
    ];
    const ipFamilies = new DuplicateTracker();
    (spec.ips ?? []).forEach((ip, i) => {
      const p = specPath.child("ips").index(i);
      const ipErrs = validateIPLiteral(ip, undefined, p);
      errs.push(...ipErrs);
      const family = ipFamilyOf(ip);
      if (ipErrs.length === 0 && family && ipFamilies.check(family, p).length > 0) {
        errs.push(p.forbidden(`only one IP of family ${family} is allowed`));
      }
    });
    (spec.prefixes ?? []).forEach((prefix, i) => {
      errs.push(...validatePrefixLiteral(prefix, undefined, specPath.child("prefixes").index(i)));
    });
    if (spec.hostname) errs.push(...validateNameWith("DNSLabel", spec.hostname, specPath.child("hostname")));
    errs.push(...validateIPEntries(spec.publicIPs, specPath.child("publicIPs"), { onePerFamily: true }));

    const publicFamilies = new Set((spec.publicIPs ?? []).map((e) => e.ipFamily));
    const natFamilies = new DuplicateTracker();
    (spec.natGateways ?? []).forEach((nat, i) => {
      const p = specPath.child("natGateways").index(i);
      errs.push(...validateIPFamily(nat.ipFamily, p.child("ipFamily")));
      errs.push(...validateUIDRef(nat.claimRef, p.child("claimRef"), true));
      if (nat.ipFamily && natFamilies.check(nat.ipFamily, p.child("ipFamily")).length > 0) {
        errs.push(p.child("ipFamily").forbidden(`only one NAT gateway of family ${nat.ipFamily} is allowed`));
      }
      // An interface with a public IP of a family reaches the internet through it, not by NAT.
      if (nat.ipFamily && publicFamilies.has(nat.ipFamily)) {
        errs.push(p.child("ipFamily").forbidden(`the interface has a public IP of family ${nat.ipFamily}`));
      }
    });
    return errs;
  },

  validateUpdate(obj, old) {
    const spec = obj.spec ?? {};
    const was = old.spec ?? {};
    return [
      ...validateImmutable(spec.networkRef, was.networkRef, specPath.child("networkRef")),
      ...validateImmutable(spec.nodeRef, was.nodeRef, specPath.child("nodeRef")),
      ...validateImmutable(spec.hostname, was.hostname, specPath.child("hostname")),
      ...validateImmutable(spec.ips, was.ips, specPath.child("ips")),
    ];
  },

  validateStatus(obj) {
    const status = obj.status ?? {};
    const errs = validateEnum(status.state, networkInterfaceStates, statusPath.child("state"), false);
    (status.prefixes ?? []).forEach((p, i) => {
      errs.push(...validatePrefixLiteral(p, undefined, statusPath.child("prefixes").index(i)));
    });
    (status.publicIPs ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, undefined, statusPath.child("publicIPs").index(i)));
    });
    (status.natIPs ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, undefined, statusPath.child("natIPs").index(i)));
    });
    return errs;
  },
};
