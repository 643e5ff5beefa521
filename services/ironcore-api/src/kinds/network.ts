/**
 * Network (networking.ironcore.dev/v1alpha1): an isolated layer-3 network, peerable with others.
 * Reference: ironcore-api.md sections 1 and 10.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  DuplicateTracker,
  type KindRules,
  validateEnum,
  validateLocalRef,
  validateNameWith,
  validateObjectName,
  validateSetOnce,
} from "@ironcore-ts/apiserver";
import type {
  NetworkJson,
  NetworkSpecJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { canonicalPrefix } from "@ironcore-ts/ipam";
import { validatePrefixLiteral } from "@ironcore-ts/netvalidation";

export type NetworkObject = NetworkJson & ApiObject;

export const networkStates = ["Pending", "Available", "Error"] as const;
export const networkPeeringStates = ["Pending", "Ready", "Error"] as const;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

function validatePeerings(spec: NetworkSpecJson, namespace: string, name: string): FieldError[] {
  const errs: FieldError[] = [];
  const peeringNames = new DuplicateTracker();
  const targets = new DuplicateTracker();
  // Prefix entry names and prefixRef names are unique across all peerings of the network.
  const prefixNames = new DuplicateTracker();
  const prefixRefNames = new DuplicateTracker();

  (spec.peerings ?? []).forEach((peering, i) => {
    const p = specPath.child("peerings").index(i);
    if (!peering.name) errs.push(p.child("name").required());
    else errs.push(...validateNameWith("DNSSubdomain", peering.name, p.child("name")));
    errs.push(...peeringNames.check(peering.name, p.child("name")));

    const ref = peering.networkRef;
    const refPath = p.child("networkRef");
    if (!ref?.name) {
      errs.push(refPath.child("name").required());
    } else {
      if (ref.namespace)
        errs.push(...validateNameWith("DNSLabel", ref.namespace, refPath.child("namespace")));
      errs.push(...validateNameWith("DNSSubdomain", ref.name, refPath.child("name")));
      // An empty namespace means the network's own namespace.
      const targetNamespace = ref.namespace || namespace;
      if (name && targetNamespace === namespace && ref.name === name) {
        errs.push(refPath.forbidden("cannot peer a network with itself"));
      } else {
        const dup = targets.check(`${targetNamespace}/${ref.name}`, refPath);
        if (dup.length > 0) errs.push(refPath.duplicate(ref));
      }
    }

    (peering.prefixes ?? []).forEach((prefix, j) => {
      const pp = p.child("prefixes").index(j);
      if (!prefix.name) errs.push(pp.child("name").required());
      else errs.push(...validateNameWith("DNSSubdomain", prefix.name, pp.child("name")));
      errs.push(...prefixNames.check(prefix.name, pp.child("name")));

      const hasRef = prefix.prefixRef !== undefined;
      if (prefix.prefix) errs.push(...validatePrefixLiteral(prefix.prefix, undefined, pp.child("prefix")));
      if (hasRef) {
        errs.push(...validateLocalRef(prefix.prefixRef, pp.child("prefixRef"), "DNSSubdomain", true));
        // (quirk) Upstream treats prefixRef as a value, so every literal-prefix entry carries
        // an empty prefixRef and the duplicate check refuses a second literal entry. Only real
        // references can collide, so only those are tracked.
        errs.push(...prefixRefNames.check(prefix.prefixRef?.name, pp.child("prefixRef").child("name")));
      }
      if (prefix.prefix && hasRef) {
        errs.push(pp.child("prefixRef").forbidden("cannot specify both prefix and prefixRef"));
      }
      if (!prefix.prefix && !hasRef) errs.push(pp.required("must specify prefix or prefixRef"));
    });
  });
  return errs;
}

function validateIncomingPeerings(spec: NetworkSpecJson, namespace: string, name: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new DuplicateTracker();
  (spec.incomingPeerings ?? []).forEach((claim, i) => {
    const p = specPath.child("incomingPeerings").index(i);
    if (!claim.name) {
      errs.push(p.child("name").required());
      return;
    }
    errs.push(...validateNameWith("DNSSubdomain", claim.name, p.child("name")));
    // Namespaces are DNS labels, whatever the reference field is called.
    if (claim.namespace) errs.push(...validateNameWith("DNSLabel", claim.namespace, p.child("namespace")));
    const claimNamespace = claim.namespace || namespace;
    if (name && claimNamespace === namespace && claim.name === name) {
      errs.push(p.forbidden("a network cannot claim itself"));
    } else if (seen.check(`${claimNamespace}/${claim.name}`, p).length > 0) {
      errs.push(p.duplicate(claim));
    }
  });
  return errs;
}

export const networkRules: KindRules<NetworkObject> = {
  default(obj) {
    // Literal peering prefixes are stored canonically, as upstream's IPPrefix type writes them.
    for (const peering of obj.spec?.peerings ?? []) {
      for (const prefix of peering.prefixes ?? []) {
        if (prefix.prefix) prefix.prefix = canonicalPrefix(prefix.prefix) ?? prefix.prefix;
      }
    }
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const namespace = obj.metadata.namespace ?? "";
    const name = obj.metadata.name ?? "";
    return [
      ...validateObjectName(obj, "DNSSubdomain"),
      ...validatePeerings(spec, namespace, name),
      ...validateIncomingPeerings(spec, namespace, name),
    ];
  },

  validateUpdate(obj, old) {
    // apinetlet writes providerID once (ironcore-net://<ns>/<name>/<vni>/<uid>); it names the
    // backing network and may not be changed or cleared afterwards.
    return validateSetOnce(obj.spec?.providerID, old.spec?.providerID, specPath.child("providerID"));
  },

  validateStatus(obj) {
    const status = obj.status ?? {};
    const errs = validateEnum(status.state, networkStates, statusPath.child("state"), false);
    (status.peerings ?? []).forEach((peering, i) => {
      const p = statusPath.child("peerings").index(i);
      if (!peering.name) errs.push(p.child("name").required());
      errs.push(...validateEnum(peering.state, networkPeeringStates, p.child("state"), false));
      (peering.prefixes ?? []).forEach((prefix, j) => {
        if (prefix.prefix) {
          errs.push(
            ...validatePrefixLiteral(prefix.prefix, undefined, p.child("prefixes").index(j).child("prefix")),
          );
        }
      });
    });
    return errs;
  },
};
