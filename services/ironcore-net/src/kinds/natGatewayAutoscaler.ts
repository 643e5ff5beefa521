/**
 * NATGatewayAutoscaler: keeps a NATGateway's public IP count in [minPublicIPs, maxPublicIPs].
 * Reference: ironcore-net.md sections 1 and 4.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { NATGatewayAutoscalerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgatewayautoscaler_pb.js";

export type NATGatewayAutoscalerObject = NATGatewayAutoscalerJson & ApiObject;

const specPath = FieldPath.root("spec");

export const natGatewayAutoscalerRules: KindRules<NATGatewayAutoscalerObject> = {
  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateLocalRef(spec.natGatewayRef, specPath.child("natGatewayRef"), "DNSLabel", true),
    ];
    // Unset counts as 0 (upstream).
    const min = spec.minPublicIPs ?? 0;
    const max = spec.maxPublicIPs ?? 0;
    if (min < 0) errs.push(specPath.child("minPublicIPs").invalid(min, "must be greater than or equal to 0"));
    if (max < 0) errs.push(specPath.child("maxPublicIPs").invalid(max, "must be greater than or equal to 0"));
    if (min > max) {
      errs.push(
        specPath.child("minPublicIPs").invalid(min, `must be less than or equal to maxPublicIPs (${max})`),
      );
    }
    return errs;
  },

  validateUpdate(obj, old) {
    // (quirk) Upstream checks this only on status updates, so a spec update could re-point the
    // autoscaler at another gateway; it is checked on spec updates here (status writes keep the
    // spec anyway).
    return validateImmutable(
      obj.spec?.natGatewayRef,
      old.spec?.natGatewayRef,
      specPath.child("natGatewayRef"),
    );
  },
};
