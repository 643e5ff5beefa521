/**
 * DaemonSet (core.apinet.ironcore.dev/v1alpha1): one Instance from its template per eligible
 * Node. Reference: ironcore-net.md sections 1 and 5.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateObjectName } from "@ironcore-ts/apiserver";
import type { DaemonSetJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/daemonset_pb.js";
import { validateInstanceTemplate, validateNonNegative } from "./instanceSpec.js";
import { validateSelectorMatchesTemplate } from "./loadBalancer.js";

export type DaemonSetObject = DaemonSetJson & ApiObject;

const specPath = FieldPath.root("spec");

export const daemonSetRules: KindRules<DaemonSetObject> = {
  validate(obj) {
    const spec = obj.spec ?? {};
    const templatePath = specPath.child("template");
    return [
      ...validateObjectName(obj, "DNSSubdomain"),
      ...validateSelectorMatchesTemplate(
        spec.nodeSelector,
        spec.template?.metadata?.labels,
        specPath.child("nodeSelector"),
        templatePath.child("metadata").child("labels"),
      ),
      ...validateInstanceTemplate(spec.template, templatePath, true),
    ];
  },

  validateStatus(obj) {
    return validateNonNegative(obj.status?.collisionCount, FieldPath.root("status").child("collisionCount"));
  },
};
