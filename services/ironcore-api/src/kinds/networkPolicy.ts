/**
 * NetworkPolicy (networking.ironcore.dev/v1alpha1): allow-list firewall rules for the NICs its
 * selector picks. Reference: ironcore-api.md sections 7, 9, 10.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import type { KindRules } from "@ironcore-ts/apiserver";
import type {
  IPBlockJson,
  NetworkPolicyJson,
  NetworkPolicyPeerJson,
  NetworkPolicyPortJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkpolicy_pb.js";
import {
  DuplicateTracker,
  validateConditions,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
  validatePortNumber,
  validatePrefixLiteral,
  validateProtocol,
  validateSelector,
} from "../validation/fields.js";
import { canonicalPrefix, parsePrefix, prefixContains } from "../validation/ip.js";

export type NetworkPolicyObject = NetworkPolicyJson & ApiObject;

export const policyTypes = ["Ingress", "Egress"] as const;
/** Kinds an objectSelector may select (their IPs become the peer). */
export const peerObjectKinds = ["NetworkInterface", "LoadBalancer", "VirtualIP"] as const;

const specPath = FieldPath.root("spec");

/** A port entry: absent/0 port = all ports; endPort needs a port and may not be below it. */
export function validateNetworkPolicyPort(port: NetworkPolicyPortJson, path: FieldPath): FieldError[] {
  const errs = validateProtocol(port.protocol, path.child("protocol"));
  const start = port.port ?? 0;
  if (start !== 0) errs.push(...validatePortNumber(start, path.child("port")));
  if (port.endPort !== undefined) {
    const endPath = path.child("endPort");
    if (start === 0) {
      errs.push(endPath.forbidden("cannot specify endPort without port"));
    } else {
      // Upstream only compares endPort with port; its upper bound is checked as well here.
      errs.push(...validatePortNumber(port.endPort, endPath));
      if (port.endPort < start)
        errs.push(endPath.forbidden(`endPort ${port.endPort} must be >= port ${start}`));
    }
  }
  return errs;
}

function validateIPBlock(block: IPBlockJson, path: FieldPath): FieldError[] {
  if (!block.cidr) return [path.child("cidr").required()];
  const errs = validatePrefixLiteral(block.cidr, undefined, path.child("cidr"));
  const cidr = parsePrefix(block.cidr);
  (block.except ?? []).forEach((except, i) => {
    const p = path.child("except").index(i);
    const parsed = parsePrefix(except);
    if (!parsed) {
      errs.push(...validatePrefixLiteral(except, undefined, p));
    } else if (cidr && !prefixContains(cidr, parsed)) {
      errs.push(p.forbidden(`must be contained in cidr ${block.cidr}`));
    }
  });
  return errs;
}

/**
 * A peer is exactly one of objectSelector / ipBlock.
 * (quirk) Upstream accepts a peer with neither, which then matches nothing or (depending on the
 * consumer) everything; it is refused here.
 */
export function validateNetworkPolicyPeer(peer: NetworkPolicyPeerJson, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const sel = peer.objectSelector;
  if (sel) {
    const selPath = path.child("objectSelector");
    errs.push(
      ...validateEnum(sel.kind, peerObjectKinds, selPath.child("kind")),
      ...validateSelector({ matchLabels: sel.matchLabels, matchExpressions: sel.matchExpressions }, selPath),
    );
  }
  if (peer.ipBlock) {
    if (sel) errs.push(path.child("ipBlock").forbidden("cannot specify both objectSelector and ipBlock"));
    errs.push(...validateIPBlock(peer.ipBlock, path.child("ipBlock")));
  }
  if (!sel && !peer.ipBlock) errs.push(path.required("must specify objectSelector or ipBlock"));
  return errs;
}

function validateRule(
  ports: readonly NetworkPolicyPortJson[] | undefined,
  peers: readonly NetworkPolicyPeerJson[] | undefined,
  peersField: "from" | "to",
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (peers ?? []).forEach((peer, i) => {
    errs.push(...validateNetworkPolicyPeer(peer, path.child(peersField).index(i)));
  });
  (ports ?? []).forEach((port, i) => {
    errs.push(...validateNetworkPolicyPort(port, path.child("ports").index(i)));
  });
  return errs;
}

export const networkPolicyRules: KindRules<NetworkPolicyObject> = {
  default(obj) {
    const spec = obj.spec;
    if (!spec) return;
    // policyTypes := set(existing ∪ {Ingress if ingress rules} ∪ {Egress if egress rules}), sorted.
    const types = new Set(spec.policyTypes ?? []);
    if ((spec.ingress ?? []).length > 0) types.add("Ingress");
    if ((spec.egress ?? []).length > 0) types.add("Egress");
    if (types.size > 0) spec.policyTypes = [...types].sort();
    const blocks = [
      ...(spec.ingress ?? []).flatMap((r) => r.from ?? []),
      ...(spec.egress ?? []).flatMap((r) => r.to ?? []),
    ].flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : []));
    for (const block of blocks) {
      if (block.cidr) block.cidr = canonicalPrefix(block.cidr) ?? block.cidr;
      if (block.except) block.except = block.except.map((e) => canonicalPrefix(e) ?? e);
    }
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSSubdomain"),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSSubdomain", true),
      ...validateSelector(spec.networkInterfaceSelector, specPath.child("networkInterfaceSelector")),
    ];
    (spec.ingress ?? []).forEach((rule, i) => {
      errs.push(...validateRule(rule.ports, rule.from, "from", specPath.child("ingress").index(i)));
    });
    (spec.egress ?? []).forEach((rule, i) => {
      errs.push(...validateRule(rule.ports, rule.to, "to", specPath.child("egress").index(i)));
    });
    const typesPath = specPath.child("policyTypes");
    const types = spec.policyTypes ?? [];
    if (types.length === 0)
      errs.push(typesPath.required("must specify policyTypes (or ingress / egress rules)"));
    const seen = new DuplicateTracker();
    types.forEach((t, i) => {
      errs.push(...validateEnum(t, policyTypes, typesPath.index(i)), ...seen.check(t, typesPath.index(i)));
    });
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef"));
  },

  validateStatus(obj) {
    return validateConditions(obj.status?.conditions, FieldPath.root("status").child("conditions"));
  },
};
