/**
 * NetworkPolicyRule (named like its NetworkPolicy): the policy resolved to addresses by
 * apinetlet, read by metalnetlet. Reference: ironcore-net.md section 1.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateObjectName } from "@ironcore-ts/apiserver";
import type {
  NetworkPolicyRuleJson,
  RuleJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicyrule_pb.js";
import { canonicalIP, canonicalPrefix } from "@ironcore-ts/ipam";
import {
  canonicalIPBlock,
  validateIPBlock,
  validateIPFamily,
  validateIPLiteral,
  validateNetworkPolicyPort,
  validatePrefixLiteral,
} from "@ironcore-ts/netvalidation";
import { validateUIDRef } from "./refs.js";

export type NetworkPolicyRuleObject = NetworkPolicyRuleJson & ApiObject;

function defaultRule(rule: RuleJson): void {
  for (const b of rule.ipBlock ?? []) canonicalIPBlock(b);
  for (const ip of rule.ips ?? []) if (ip.prefix) ip.prefix = canonicalPrefix(ip.prefix) ?? ip.prefix;
}

function validateRule(rule: RuleJson, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (rule.ipBlock ?? []).forEach((b, i) => {
    errs.push(...validateIPBlock(b, path.child("ipBlock").index(i)));
  });
  (rule.ips ?? []).forEach((ip, i) => {
    const p = path.child("ips").index(i);
    errs.push(...validateIPFamily(ip.ipFamily, p.child("ipFamily")));
    if (!ip.prefix) errs.push(p.child("prefix").required());
    else errs.push(...validatePrefixLiteral(ip.prefix, ip.ipFamily, p.child("prefix")));
  });
  (rule.networkPolicyPorts ?? []).forEach((port, i) => {
    errs.push(...validateNetworkPolicyPort(port, path.child("networkPolicyPorts").index(i)));
  });
  return errs;
}

export const networkPolicyRuleRules: KindRules<NetworkPolicyRuleObject> = {
  default(obj) {
    for (const t of obj.targets ?? []) if (t.ip) t.ip = canonicalIP(t.ip) ?? t.ip;
    for (const r of obj.ingressRule ?? []) defaultRule(r);
    for (const r of obj.egressRule ?? []) defaultRule(r);
  },

  validate(obj) {
    const root = FieldPath.root();
    const errs: FieldError[] = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateUIDRef(obj.networkRef, root.child("networkRef"), true),
    ];
    (obj.targets ?? []).forEach((t, i) => {
      const p = root.child("targets").index(i);
      if (!t.ip) errs.push(p.child("ip").required());
      else errs.push(...validateIPLiteral(t.ip, undefined, p.child("ip")));
      errs.push(...validateUIDRef(t.targetRef, p.child("targetRef"), false));
    });
    if (obj.priority !== undefined && obj.priority < 0) {
      errs.push(root.child("priority").invalid(obj.priority, "must be greater than or equal to 0"));
    }
    (obj.ingressRule ?? []).forEach((r, i) => {
      errs.push(...validateRule(r, root.child("ingressRule").index(i)));
    });
    (obj.egressRule ?? []).forEach((r, i) => {
      errs.push(...validateRule(r, root.child("egressRule").index(i)));
    });
    return errs;
  },
};
