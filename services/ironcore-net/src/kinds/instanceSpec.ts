/**
 * Validation of InstanceSpec (Instance, and the templates of DaemonSet and LoadBalancer):
 * load balancer ports, node affinity, instance anti-affinity, topology spread.
 */
import { type FieldError, type FieldPath, validateQualifiedName } from "@ironcore-ts/apimachinery";
import {
  validateEnum,
  validateLocalRef,
  validateSelector,
  validateTemplateMetadata,
} from "@ironcore-ts/apiserver";
import type {
  AffinityJson,
  InstanceSpecJson,
  InstanceTemplateJson,
  LoadBalancerPortJson,
  NodeSelectorRequirementJson,
  TopologySpreadConstraintJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { validateIPLiteral, validatePortNumber, validateProtocol } from "@ironcore-ts/netvalidation";

export const instanceTypes = ["LoadBalancer"] as const;
export const loadBalancerTypes = ["Public", "Internal"] as const;
export const nodeSelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const;
export const whenUnsatisfiableValues = ["DoNotSchedule"] as const;
/** The only field node affinity may select on (the scheduler matches nothing else). */
export const nodeNameField = "metadata.name";

/** Load balancer ports: protocol TCP/UDP/SCTP (empty = TCP), port 1-65535, endPort >= port. */
export function validateLoadBalancerPorts(
  ports: readonly LoadBalancerPortJson[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    errs.push(...validateProtocol(port.protocol, p.child("protocol")));
    errs.push(...validatePortNumber(port.port, p.child("port")));
    if (port.endPort !== undefined) {
      errs.push(...validatePortNumber(port.endPort, p.child("endPort")));
      if (port.endPort < (port.port ?? 0)) {
        errs.push(p.child("endPort").forbidden(`endPort ${port.endPort} must be >= port ${port.port ?? 0}`));
      }
    }
  });
  return errs;
}

function validateRequirement(
  req: NodeSelectorRequirementJson,
  path: FieldPath,
  isField: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  if (!req.key) errs.push(path.child("key").required());
  else if (isField && req.key !== nodeNameField) {
    errs.push(path.child("key").notSupported(req.key, [nodeNameField]));
  } else if (!isField) errs.push(...validateQualifiedName(req.key, path.child("key")));
  errs.push(...validateEnum(req.operator, nodeSelectorOperators, path.child("operator")));
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(path.child("values").required("must be specified for In and NotIn"));
      else if (isField && values.length !== 1) {
        errs.push(path.child("values").invalid(values, "must have exactly one value for a field selector"));
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0)
        errs.push(path.child("values").forbidden("may not be specified for Exists and DoesNotExist"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? "")) {
        errs.push(path.child("values").invalid(values, "must be one integer for Gt and Lt"));
      }
      break;
  }
  if (isField && req.operator && req.operator !== "In" && req.operator !== "NotIn") {
    errs.push(path.child("operator").notSupported(req.operator, ["In", "NotIn"]));
  }
  return errs;
}

export function validateAffinity(affinity: AffinityJson | undefined, path: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const required = affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const termsPath = path
      .child("nodeAffinity")
      .child("requiredDuringSchedulingIgnoredDuringExecution")
      .child("nodeSelectorTerms");
    const terms = required.nodeSelectorTerms ?? [];
    if (terms.length === 0) errs.push(termsPath.required("at least one term is required"));
    terms.forEach((term, i) => {
      const tp = termsPath.index(i);
      (term.matchExpressions ?? []).forEach((r, j) => {
        errs.push(...validateRequirement(r, tp.child("matchExpressions").index(j), false));
      });
      (term.matchFields ?? []).forEach((r, j) => {
        errs.push(...validateRequirement(r, tp.child("matchFields").index(j), true));
      });
    });
  }
  const antiPath = path.child("instanceAntiAffinity").child("requiredDuringSchedulingIgnoredDuringExecution");
  (affinity.instanceAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
    const tp = antiPath.index(i);
    errs.push(...validateSelector(term.labelSelector, tp.child("labelSelector")));
    if (!term.topologyKey) errs.push(tp.child("topologyKey").required());
    else errs.push(...validateQualifiedName(term.topologyKey, tp.child("topologyKey")));
  });
  return errs;
}

export function validateTopologySpread(
  constraints: readonly TopologySpreadConstraintJson[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (constraints ?? []).forEach((c, i) => {
    const p = path.index(i);
    if (!c.maxSkew || c.maxSkew <= 0)
      errs.push(p.child("maxSkew").invalid(c.maxSkew ?? 0, "must be greater than zero"));
    if (!c.topologyKey) errs.push(p.child("topologyKey").required());
    else errs.push(...validateQualifiedName(c.topologyKey, p.child("topologyKey")));
    errs.push(...validateEnum(c.whenUnsatisfiable, whenUnsatisfiableValues, p.child("whenUnsatisfiable")));
    errs.push(...validateSelector(c.labelSelector, p.child("labelSelector")));
  });
  return errs;
}

/**
 * An InstanceSpec. `complete`: type, loadBalancerType and networkRef are required (an Instance,
 * a DaemonSet's template); a LoadBalancer's template only carries scheduling hints and has them
 * filled in by the load balancer controller.
 */
export function validateInstanceSpec(
  spec: InstanceSpecJson | undefined,
  path: FieldPath,
  complete: boolean,
): FieldError[] {
  const s = spec ?? {};
  const errs = [
    ...validateEnum(s.type, instanceTypes, path.child("type"), complete),
    ...validateEnum(s.loadBalancerType, loadBalancerTypes, path.child("loadBalancerType"), complete),
    ...validateLocalRef(s.networkRef, path.child("networkRef"), "DNSLabel", complete),
    ...validateLoadBalancerPorts(s.loadBalancerPorts, path.child("loadBalancerPorts")),
    ...validateAffinity(s.affinity, path.child("affinity")),
    ...validateTopologySpread(s.topologySpreadConstraints, path.child("topologySpreadConstraints")),
    ...validateLocalRef(s.nodeRef, path.child("nodeRef"), "DNSSubdomain", false),
  ];
  (s.ips ?? []).forEach((ip, i) => {
    errs.push(...validateIPLiteral(ip, undefined, path.child("ips").index(i)));
  });
  return errs;
}

export function validateInstanceTemplate(
  template: InstanceTemplateJson | undefined,
  path: FieldPath,
  complete: boolean,
): FieldError[] {
  if (!template) return complete ? [path.required()] : [];
  return [
    ...validateTemplateMetadata(template.metadata, path.child("metadata"), "an instance template"),
    ...validateInstanceSpec(template.spec, path.child("spec"), complete),
  ];
}

/** A non-negative optional counter (collisionCount). */
export function validateNonNegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [path.invalid(value, "must be greater than or equal to 0")] : [];
}
