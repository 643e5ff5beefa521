/**
 * NetworkPolicy (core.apinet.ironcore.dev/v1alpha1): firewall rules for a Network's interfaces,
 * written by apinetlet from the ironcore NetworkPolicy. Reference: ironcore-net.md section 1.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import type { KindRules } from "@ironcore-ts/apiserver";
import type {
  IPBlockJson,
  NetworkPolicyJson,
  NetworkPolicyPeerJson,
  NetworkPolicyPortJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import {
  DuplicateTracker,
  validateEnum,
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
/** Kinds an objectSelector may select in apinet (VirtualIPs are IPs of interfaces here). */
export const peerObjectKinds = ["NetworkInterface", "LoadBalancer"] as const;

const specPath = FieldPath.root("spec");

/** A port entry: absent/0 port = all ports; endPort needs a port and may not be below it. */
export function validatePolicyPort(port: NetworkPolicyPortJson, path: FieldPath): FieldError[] {
  const errs = validateProtocol(port.protocol, path.child("protocol"));
  const start = port.port ?? 0;
  if (start !== 0) errs.push(...validatePortNumber(start, path.child("port")));
  if (port.endPort !== undefined) {
    const endPath = path.child("endPort");
    if (start === 0) errs.push(endPath.forbidden("cannot specify endPort without port"));
    else {
      errs.push(...validatePortNumber(port.endPort, endPath));
      if (port.endPort < start)
        errs.push(endPath.forbidden(`endPort ${port.endPort} must be >= port ${start}`));
    }
  }
  return errs;
}

export function validateIPBlock(block: IPBlockJson, path: FieldPath): FieldError[] {
  if (!block.cidr) return [path.child("cidr").required()];
  const errs = validatePrefixLiteral(block.cidr, undefined, path.child("cidr"));
  const cidr = parsePrefix(block.cidr);
  (block.except ?? []).forEach((except, i) => {
    const p = path.child("except").index(i);
    const parsed = parsePrefix(except);
    if (!parsed) errs.push(...validatePrefixLiteral(except, undefined, p));
    else if (cidr && !prefixContains(cidr, parsed))
      errs.push(p.forbidden(`must be contained in cidr ${block.cidr}`));
  });
  return errs;
}

export function canonicalIPBlock(block: IPBlockJson): void {
  if (block.cidr) block.cidr = canonicalPrefix(block.cidr) ?? block.cidr;
  if (block.except) block.except = block.except.map((e) => canonicalPrefix(e) ?? e);
}

function validatePeer(peer: NetworkPolicyPeerJson, path: FieldPath): FieldError[] {
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
  // (quirk) Upstream accepts a peer with neither, which matches nothing or everything depending
  // on the consumer; it is refused here.
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
    errs.push(...validatePeer(peer, path.child(peersField).index(i)));
  });
  (ports ?? []).forEach((port, i) => {
    errs.push(...validatePolicyPort(port, path.child("ports").index(i)));
  });
  return errs;
}

export const networkPolicyRules: KindRules<NetworkPolicyObject> = {
  default(obj) {
    const spec = obj.spec;
    if (!spec) return;
    for (const rule of spec.ingress ?? [])
      for (const p of rule.from ?? []) if (p.ipBlock) canonicalIPBlock(p.ipBlock);
    for (const rule of spec.egress ?? [])
      for (const p of rule.to ?? []) if (p.ipBlock) canonicalIPBlock(p.ipBlock);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSLabel", true),
      ...validateSelector(spec.networkInterfaceSelector, specPath.child("networkInterfaceSelector")),
    ];
    if (spec.priority !== undefined && spec.priority < 0) {
      errs.push(specPath.child("priority").invalid(spec.priority, "must be greater than or equal to 0"));
    }
    (spec.ingress ?? []).forEach((r, i) => {
      errs.push(...validateRule(r.ports, r.from, "from", specPath.child("ingress").index(i)));
    });
    (spec.egress ?? []).forEach((r, i) => {
      errs.push(...validateRule(r.ports, r.to, "to", specPath.child("egress").index(i)));
    });
    const seen = new DuplicateTracker();
    (spec.policyTypes ?? []).forEach((t, i) => {
      const p = specPath.child("policyTypes").index(i);
      errs.push(...validateEnum(t, policyTypes, p), ...seen.check(t, p));
    });
    return errs;
  },
};
