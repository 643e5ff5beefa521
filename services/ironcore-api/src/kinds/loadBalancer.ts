/**
 * LoadBalancer (networking.ironcore.dev/v1alpha1): Public (IPs allocated by ironcore-net) or
 * Internal (IPs given in `spec.ips`), forwarding `ports` to the NICs its selector picks.
 * Reference: ironcore-api.md sections 5, 9, 10.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
  validateSelector,
} from "@ironcore-ts/apiserver";
import type {
  LoadBalancerJson,
  LoadBalancerPortJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancer_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import {
  validateIPFamilyList,
  validateIPLiteral,
  validatePortNumber,
  validateProtocol,
} from "@ironcore-ts/netvalidation";
import { defaultIPSources, validateIPSources } from "../validation/ipSources.js";

export type LoadBalancerObject = LoadBalancerJson & ApiObject;

export const loadBalancerTypes = ["Public", "Internal"] as const;
/** A port without protocol is TCP (the API does not write the default, validation assumes it). */
export const defaultLoadBalancerProtocol = "TCP";

const specPath = FieldPath.root("spec");

interface PortRange {
  start: number;
  end: number;
  index: number;
}

/**
 * Ports: each one valid on its own, and no two ranges `[port, endPort ?? port]` of the same
 * protocol overlapping.
 *
 * (quirk) Upstream runs the per-port checks inside the loop over the *earlier* ports of the same
 * protocol, so the first port of each protocol is never checked (and later ones are checked,
 * and reported, once per earlier port). Here every port is checked exactly once.
 */
export function validateLoadBalancerPorts(
  ports: readonly LoadBalancerPortJson[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const rangesByProtocol = new Map<string, PortRange[]>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    const portErrs = [
      ...validateProtocol(port.protocol, p.child("protocol")),
      ...validatePortNumber(port.port, p.child("port")),
    ];
    const start = port.port ?? 0;
    const end = port.endPort ?? start;
    if (port.endPort !== undefined) {
      portErrs.push(...validatePortNumber(port.endPort, p.child("endPort")));
      if (port.endPort < start) {
        portErrs.push(p.child("endPort").forbidden(`endPort ${port.endPort} must be >= port ${start}`));
      }
    }
    errs.push(...portErrs);
    // An invalid range would only add noise to the overlap check.
    if (portErrs.length > 0) return;

    const protocol = port.protocol || defaultLoadBalancerProtocol;
    const ranges = rangesByProtocol.get(protocol) ?? [];
    for (const r of ranges) {
      if (start <= r.end && r.start <= end) {
        errs.push(
          p.forbidden(
            `${protocol} port range [${start}, ${end}] overlaps with port range [${r.start}, ${r.end}] of ${path.index(r.index)}`,
          ),
        );
      }
    }
    ranges.push({ start, end, index: i });
    rangesByProtocol.set(protocol, ranges);
  });
  return errs;
}

export const loadBalancerRules: KindRules<LoadBalancerObject> = {
  default(obj) {
    if (obj.spec) defaultIPSources(obj.spec);
    if (obj.status?.ips) obj.status.ips = obj.status.ips.map((ip) => canonicalIP(ip) ?? ip);
  },

  prepareForWrite(obj) {
    // Only an Internal load balancer takes its IPs from the spec; a Public one gets them from
    // ironcore-net, and the upstream registry drops `ips` for every other type.
    if (obj.spec && obj.spec.type !== "Internal") delete obj.spec.ips;
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateEnum(spec.type, loadBalancerTypes, specPath.child("type")),
      ...validateIPFamilyList(spec.ipFamilies, specPath.child("ipFamilies")),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSSubdomain", true),
      ...validateSelector(spec.networkInterfaceSelector, specPath.child("networkInterfaceSelector")),
      ...validateLoadBalancerPorts(spec.ports, specPath.child("ports")),
    ];
    // For any other type prepareForWrite has dropped the ips (they are ignored, not wrong).
    if (spec.type === "Internal") {
      errs.push(
        ...validateIPSources(spec.ips, spec.ipFamilies, obj.metadata.name, specPath.child("ips"), true),
      );
    }
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef"));
  },

  validateStatus(obj) {
    const errs: FieldError[] = [];
    (obj.status?.ips ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, undefined, FieldPath.root("status").child("ips").index(i)));
    });
    return errs;
  },
};
