/**
 * NetworkPolicy (core.apinet.ironcore.dev/v1alpha1): firewall rules for a Network's interfaces,
 * written by apinetlet from the ironcore NetworkPolicy. Reference: ironcore-net.md section 1.
 * Peers, ports and ipBlocks follow the rules shared with ironcore-api (@ironcore-ts/netvalidation).
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateLocalRef,
  validateObjectName,
  validateSelector,
} from "@ironcore-ts/apiserver";
import type { NetworkPolicyJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import {
  canonicalPolicyIPBlocks,
  validateNetworkPolicyRules,
  validatePolicyTypes,
} from "@ironcore-ts/netvalidation";

export type NetworkPolicyObject = NetworkPolicyJson & ApiObject;

/** Kinds an objectSelector may select in apinet (VirtualIPs are IPs of interfaces here). */
export const peerObjectKinds = ["NetworkInterface", "LoadBalancer"] as const;

const specPath = FieldPath.root("spec");

export const networkPolicyRules: KindRules<NetworkPolicyObject> = {
  default(obj) {
    if (obj.spec) canonicalPolicyIPBlocks(obj.spec);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSLabel", true),
      ...validateSelector(spec.networkInterfaceSelector, specPath.child("networkInterfaceSelector")),
    ];
    if (spec.priority !== undefined && spec.priority < 0) {
      errs.push(specPath.child("priority").invalid(spec.priority, "must be greater than or equal to 0"));
    }
    errs.push(
      ...validateNetworkPolicyRules(spec, specPath, peerObjectKinds),
      ...validatePolicyTypes(spec.policyTypes, specPath.child("policyTypes")),
    );
    return errs;
  },
};
