/**
 * Instance (core.apinet.ironcore.dev/v1alpha1): a load balancer instance on a Node.
 * Reference: ironcore-net.md sections 1 and 5.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateImmutable,
  validateObjectName,
  validateSetOnce,
} from "@ironcore-ts/apiserver";
import type { InstanceJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";
import { validateInstanceSpec, validateNonNegative } from "./instanceSpec.js";

export type InstanceObject = InstanceJson & ApiObject;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

export const instanceRules: KindRules<InstanceObject> = {
  default(obj) {
    if (obj.spec?.ips) obj.spec.ips = obj.spec.ips.map((ip) => canonicalIP(ip) ?? ip);
    if (obj.status?.ips) obj.status.ips = obj.status.ips.map((ip) => canonicalIP(ip) ?? ip);
  },

  validate(obj) {
    return [...validateObjectName(obj, "DNSSubdomain"), ...validateInstanceSpec(obj.spec, specPath, true)];
  },

  validateUpdate(obj, old) {
    const spec = obj.spec ?? {};
    const was = old.spec ?? {};
    return [
      ...validateImmutable(spec.type, was.type, specPath.child("type")),
      ...validateImmutable(spec.loadBalancerType, was.loadBalancerType, specPath.child("loadBalancerType")),
      ...validateImmutable(spec.networkRef, was.networkRef, specPath.child("networkRef")),
      // The scheduler (or the DaemonSet) binds an instance to a node once.
      ...validateSetOnce(spec.nodeRef, was.nodeRef, specPath.child("nodeRef"), (v) => v !== undefined),
    ];
  },

  validateStatus(obj) {
    const errs: FieldError[] = validateNonNegative(
      obj.status?.collisionCount,
      statusPath.child("collisionCount"),
    );
    (obj.status?.ips ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, undefined, statusPath.child("ips").index(i)));
    });
    return errs;
  },
};
