/**
 * LoadBalancerRouting (named like its LoadBalancer): the destinations of a load balancer.
 * Reference: ironcore-net.md section 1.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateLocalRef, validateObjectName } from "@ironcore-ts/apiserver";
import type { LoadBalancerRoutingJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancerrouting_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";
import { validateUIDRef } from "./refs.js";

export type LoadBalancerRoutingObject = LoadBalancerRoutingJson & ApiObject;

export const loadBalancerRoutingRules: KindRules<LoadBalancerRoutingObject> = {
  default(obj) {
    for (const d of obj.destinations ?? []) if (d.ip) d.ip = canonicalIP(d.ip) ?? d.ip;
  },

  validate(obj) {
    const errs: FieldError[] = validateObjectName(obj, "DNSLabel");
    (obj.destinations ?? []).forEach((d, i) => {
      const p = FieldPath.root("destinations").index(i);
      if (!d.ip) errs.push(p.child("ip").required());
      else errs.push(...validateIPLiteral(d.ip, undefined, p.child("ip")));
      if (d.targetRef) {
        errs.push(...validateUIDRef(d.targetRef, p.child("targetRef"), true));
        errs.push(
          ...validateLocalRef(
            d.targetRef.nodeRef,
            p.child("targetRef").child("nodeRef"),
            "DNSSubdomain",
            false,
          ),
        );
      }
    });
    return errs;
  },
};
