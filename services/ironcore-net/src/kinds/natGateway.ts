/**
 * NATGateway (core.apinet.ironcore.dev/v1alpha1): outbound NAT for a Network's interfaces; its
 * public IPs are claimed by the server. Reference: ironcore-net.md sections 1, 3 and 4.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { NATGatewayJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgateway_pb.js";
import { validateIPFamily } from "@ironcore-ts/netvalidation";
import { natUsablePorts } from "../natPortSlices.js";
import { validateNonNegative } from "./instanceSpec.js";
import { defaultIPEntries, validateIPEntries } from "./publicIPEntries.js";

export type NATGatewayObject = NATGatewayJson & ApiObject;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

export const natGatewayRules: KindRules<NATGatewayObject> = {
  default(obj) {
    defaultIPEntries(obj.spec?.ips, { withFamily: false });
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateIPFamily(spec.ipFamily, specPath.child("ipFamily")),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSLabel", true),
      ...validateIPEntries(spec.ips, specPath.child("ips"), { fixedFamily: spec.ipFamily ?? "" }),
    ];
    const ppn = spec.portsPerNetworkInterface ?? 0;
    const ppnPath = specPath.child("portsPerNetworkInterface");
    if (ppn === 0) errs.push(ppnPath.required());
    // Upstream only requires a positive value; above 64512 an IP has no slot at all, so a
    // gateway could never serve anyone: refused here.
    else if (ppn < 0 || ppn > natUsablePorts) {
      errs.push(ppnPath.invalid(ppn, `must be between 1 and ${natUsablePorts} (the ports 1024-65535)`));
    }
    return errs;
  },

  validateUpdate(obj, old) {
    return [
      ...validateImmutable(obj.spec?.ipFamily, old.spec?.ipFamily, specPath.child("ipFamily")),
      ...validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef")),
    ];
  },

  validateStatus(obj) {
    return [
      ...validateNonNegative(obj.status?.usedNATIPs, statusPath.child("usedNATIPs")),
      ...validateNonNegative(obj.status?.requestedNATIPs, statusPath.child("requestedNATIPs")),
    ];
  },
};
