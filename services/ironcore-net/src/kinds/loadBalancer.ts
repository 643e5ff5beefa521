/**
 * LoadBalancer (core.apinet.ironcore.dev/v1alpha1): Public (IPs allocated by the server) or
 * Internal (IPs given), realised by Instances through a DaemonSet.
 * Reference: ironcore-net.md sections 1, 3 and 5.
 */
import {
  type ApiObject,
  type FieldError,
  FieldPath,
  type LabelSelector,
  selectorMatches,
} from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
  validateSelector,
} from "@ironcore-ts/apiserver";
import type { LoadBalancerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancer_pb.js";
import type { LabelSelectorJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import {
  loadBalancerTypes,
  validateInstanceTemplate,
  validateLoadBalancerPorts,
  validateNonNegative,
} from "./instanceSpec.js";
import { defaultIPEntries, validateIPEntries } from "./publicIPEntries.js";

export type LoadBalancerObject = LoadBalancerJson & ApiObject;

const specPath = FieldPath.root("spec");

/** A selector (set) must select the template's labels, or the owner would never find its objects. */
export function validateSelectorMatchesTemplate(
  selector: LabelSelectorJson | undefined,
  templateLabels: Record<string, string> | undefined,
  selectorPath: FieldPath,
  labelsPath: FieldPath,
): FieldError[] {
  if (!selector) return [selectorPath.required()];
  const errs = validateSelector(selector, selectorPath);
  if (errs.length > 0) return errs;
  const empty =
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  if (empty) return [selectorPath.invalid(selector, "empty selector is invalid")];
  if (!selectorMatches(selector as LabelSelector, templateLabels ?? {})) {
    return [labelsPath.invalid(templateLabels ?? {}, "selector does not match template labels")];
  }
  return [];
}

export const loadBalancerRules: KindRules<LoadBalancerObject> = {
  default(obj) {
    defaultIPEntries(obj.spec?.ips);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const templatePath = specPath.child("template");
    return [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateEnum(spec.type, loadBalancerTypes, specPath.child("type")),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSLabel", true),
      // An Internal load balancer's addresses come from its network, never from the public
      // pools, so each entry must name one (upstream leaves them unchecked and unallocated).
      ...validateIPEntries(spec.ips, specPath.child("ips"), { ipRequired: spec.type === "Internal" }),
      ...validateLoadBalancerPorts(spec.ports, specPath.child("ports")),
      ...validateSelectorMatchesTemplate(
        spec.selector,
        spec.template?.metadata?.labels,
        specPath.child("selector"),
        templatePath.child("metadata").child("labels"),
      ),
      ...validateInstanceTemplate(spec.template, templatePath, false),
    ];
  },

  validateUpdate(obj, old) {
    return [
      ...validateImmutable(obj.spec?.type, old.spec?.type, specPath.child("type")),
      ...validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef")),
      ...validateImmutable(obj.spec?.selector, old.spec?.selector, specPath.child("selector")),
    ];
  },

  validateStatus(obj) {
    return validateNonNegative(obj.status?.collisionCount, FieldPath.root("status").child("collisionCount"));
  },
};
