/**
 * LoadBalancerRouting (networking.ironcore.dev/v1alpha1): the NICs a LoadBalancer forwards to,
 * written by the loadbalancer controller under the LoadBalancer's name. It has no spec/status:
 * `networkRef` and `destinations` are top-level. Reference: ironcore-api.md sections 6, 10.
 *
 * Two destination forms are accepted:
 * - upstream: `{ip, targetRef: {uid, name, providerID}}`;
 * - the seed documents' short form `{name, uid}` (seed-examples/loadbalancerrouting.yaml),
 *   which `default` moves into `targetRef`, so stored objects only have the upstream form.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateNameWith, validateObjectName } from "@ironcore-ts/apiserver";
import type {
  LoadBalancerDestinationJson,
  LoadBalancerRoutingJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancerrouting_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";

export type LoadBalancerRoutingObject = LoadBalancerRoutingJson & ApiObject;

/**
 * Moves a short-form `{name, uid}` into `targetRef`. Parts that disagree with a targetRef the
 * destination also has are left in place for validate to report.
 */
export function normalizeDestination(dest: LoadBalancerDestinationJson): void {
  if (dest.ip) dest.ip = canonicalIP(dest.ip) ?? dest.ip;
  if (dest.name === undefined && dest.uid === undefined) return;
  dest.targetRef ??= {};
  const target = dest.targetRef;
  if (dest.name !== undefined && (target.name === undefined || target.name === dest.name)) {
    target.name = dest.name;
    delete dest.name;
  }
  if (dest.uid !== undefined && (target.uid === undefined || target.uid === dest.uid)) {
    target.uid = dest.uid;
    delete dest.uid;
  }
}

function validateDestination(dest: LoadBalancerDestinationJson, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (dest.ip) errs.push(...validateIPLiteral(dest.ip, undefined, path.child("ip")));
  const target = dest.targetRef;
  if (target) {
    // The target is a NetworkInterface (DNS subdomain names).
    if (!target.name) errs.push(path.child("targetRef").child("name").required());
    else errs.push(...validateNameWith("DNSSubdomain", target.name, path.child("targetRef").child("name")));
  }
  // Left over by normalizeDestination only when they contradict targetRef.
  if (dest.name !== undefined) {
    errs.push(path.child("name").forbidden(`conflicts with targetRef.name ${JSON.stringify(target?.name)}`));
  }
  if (dest.uid !== undefined) {
    errs.push(path.child("uid").forbidden(`conflicts with targetRef.uid ${JSON.stringify(target?.uid)}`));
  }
  // The seed form names the NIC without its IP, so ip is optional, but a destination needs
  // something to route to.
  if (!dest.ip && !target)
    errs.push(path.required("must specify ip or targetRef (or the short form name/uid)"));
  return errs;
}

export const loadBalancerRoutingRules: KindRules<LoadBalancerRoutingObject> = {
  default(obj) {
    for (const dest of obj.destinations ?? []) normalizeDestination(dest);
  },

  validate(obj) {
    const errs = validateObjectName(obj, "DNSSubdomain");
    // networkRef is a {name, uid} reference; the seed example gives only the name, so the uid is
    // optional here (the controller always writes both).
    const refPath = FieldPath.root("networkRef");
    if (!obj.networkRef?.name) errs.push(refPath.child("name").required());
    else errs.push(...validateNameWith("DNSSubdomain", obj.networkRef.name, refPath.child("name")));
    (obj.destinations ?? []).forEach((dest, i) => {
      errs.push(...validateDestination(dest, FieldPath.root("destinations").index(i)));
    });
    return errs;
  },
};
