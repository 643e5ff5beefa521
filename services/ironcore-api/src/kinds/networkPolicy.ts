/**
 * NetworkPolicy (networking.ironcore.dev/v1alpha1): allow-list firewall rules for the NICs its
 * selector picks. Reference: ironcore-api.md sections 7, 9, 10. Peers, ports and ipBlocks follow
 * the rules shared with ironcore-net (@ironcore-ts/netvalidation).
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateConditions,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
  validateSelector,
} from "@ironcore-ts/apiserver";
import type { NetworkPolicyJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkpolicy_pb.js";
import {
  canonicalPolicyIPBlocks,
  validateNetworkPolicyRules,
  validatePolicyTypes,
} from "@ironcore-ts/netvalidation";

export type NetworkPolicyObject = NetworkPolicyJson & ApiObject;

/** Kinds an objectSelector may select (their IPs become the peer). */
export const peerObjectKinds = ["NetworkInterface", "LoadBalancer", "VirtualIP"] as const;

const specPath = FieldPath.root("spec");

export const networkPolicyRules: KindRules<NetworkPolicyObject> = {
  default(obj) {
    const spec = obj.spec;
    if (!spec) return;
    // policyTypes := set(existing ∪ {Ingress if ingress rules} ∪ {Egress if egress rules}), sorted.
    const types = new Set(spec.policyTypes ?? []);
    if ((spec.ingress ?? []).length > 0) types.add("Ingress");
    if ((spec.egress ?? []).length > 0) types.add("Egress");
    if (types.size > 0) spec.policyTypes = [...types].sort();
    canonicalPolicyIPBlocks(spec);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSSubdomain"),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSSubdomain", true),
      ...validateSelector(spec.networkInterfaceSelector, specPath.child("networkInterfaceSelector")),
      ...validateNetworkPolicyRules(spec, specPath, peerObjectKinds),
    ];
    const typesPath = specPath.child("policyTypes");
    const types = spec.policyTypes ?? [];
    // Unlike apinet, an ironcore policy must say which directions it governs (defaulting fills
    // them in from the rules given).
    if (types.length === 0)
      errs.push(typesPath.required("must specify policyTypes (or ingress / egress rules)"));
    errs.push(...validatePolicyTypes(types, typesPath));
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef"));
  },

  validateStatus(obj) {
    return validateConditions(obj.status?.conditions, FieldPath.root("status").child("conditions"));
  },
};
