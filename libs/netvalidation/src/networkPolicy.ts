/**
 * The NetworkPolicy rules both API servers share. apinetlet copies an ironcore NetworkPolicy
 * (networking.ironcore.dev) into an apinet one (core.apinet.ironcore.dev) and resolves it into a
 * NetworkPolicyRule, so peers, ports and ipBlocks must be accepted and canonicalised the same way
 * on both sides; otherwise an object ironcore-api admitted could be refused by ironcore-net. Only
 * the kinds an objectSelector may pick differ per API, so they are a parameter.
 *
 * The shapes are structural (not one API group's generated types) so that the JSON types of
 * either group fit.
 */
import type { FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { DuplicateTracker, validateEnum, validateSelector } from "@ironcore-ts/apiserver";
import type { LabelSelectorRequirementJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import { canonicalPrefix, parsePrefix, prefixContains } from "@ironcore-ts/ipam";
import { validatePortNumber, validatePrefixLiteral, validateProtocol } from "./networkFieldRules.js";

export const policyTypes = ["Ingress", "Egress"] as const;

export interface PolicyIPBlock {
  cidr?: string;
  except?: string[];
}

export interface PolicyPort {
  protocol?: string;
  port?: number;
  endPort?: number;
}

export interface PolicyObjectSelector {
  kind?: string;
  matchLabels?: { [key: string]: string };
  matchExpressions?: LabelSelectorRequirementJson[];
}

export interface PolicyPeer {
  objectSelector?: PolicyObjectSelector;
  ipBlock?: PolicyIPBlock;
}

/** The ingress / egress part of a NetworkPolicy spec. */
export interface PolicyRules {
  ingress?: readonly { ports?: readonly PolicyPort[]; from?: readonly PolicyPeer[] }[];
  egress?: readonly { ports?: readonly PolicyPort[]; to?: readonly PolicyPeer[] }[];
}

/** A port entry: absent/0 port = all ports; endPort needs a port and may not be below it. */
export function validateNetworkPolicyPort(port: PolicyPort, path: FieldPath): FieldError[] {
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

/** A cidr (required) and exceptions, each a valid prefix inside the cidr. */
export function validateIPBlock(block: PolicyIPBlock, path: FieldPath): FieldError[] {
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

/** Rewrites cidr and exceptions in canonical text, in place (invalid ones are left for validate). */
export function canonicalIPBlock(block: PolicyIPBlock): void {
  if (block.cidr) block.cidr = canonicalPrefix(block.cidr) ?? block.cidr;
  if (block.except) block.except = block.except.map((e) => canonicalPrefix(e) ?? e);
}

/** canonicalIPBlock for every peer's ipBlock of the ingress and egress rules. */
export function canonicalPolicyIPBlocks(rules: PolicyRules): void {
  for (const rule of rules.ingress ?? [])
    for (const peer of rule.from ?? []) if (peer.ipBlock) canonicalIPBlock(peer.ipBlock);
  for (const rule of rules.egress ?? [])
    for (const peer of rule.to ?? []) if (peer.ipBlock) canonicalIPBlock(peer.ipBlock);
}

/**
 * A peer is exactly one of objectSelector (of one of `objectKinds`) / ipBlock.
 * (quirk) Upstream accepts a peer with neither, which then matches nothing or (depending on the
 * consumer) everything; it is refused here.
 */
export function validateNetworkPolicyPeer(
  peer: PolicyPeer,
  path: FieldPath,
  objectKinds: readonly string[],
): FieldError[] {
  const errs: FieldError[] = [];
  const sel = peer.objectSelector;
  if (sel) {
    const selPath = path.child("objectSelector");
    errs.push(
      ...validateEnum(sel.kind, objectKinds, selPath.child("kind")),
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
  ports: readonly PolicyPort[] | undefined,
  peers: readonly PolicyPeer[] | undefined,
  peersField: "from" | "to",
  path: FieldPath,
  objectKinds: readonly string[],
): FieldError[] {
  const errs: FieldError[] = [];
  (peers ?? []).forEach((peer, i) => {
    errs.push(...validateNetworkPolicyPeer(peer, path.child(peersField).index(i), objectKinds));
  });
  (ports ?? []).forEach((port, i) => {
    errs.push(...validateNetworkPolicyPort(port, path.child("ports").index(i)));
  });
  return errs;
}

/** The ingress rules (`specPath.ingress[i]`), then the egress rules (`specPath.egress[i]`). */
export function validateNetworkPolicyRules(
  rules: PolicyRules,
  specPath: FieldPath,
  objectKinds: readonly string[],
): FieldError[] {
  const errs: FieldError[] = [];
  (rules.ingress ?? []).forEach((rule, i) => {
    errs.push(
      ...validateRule(rule.ports, rule.from, "from", specPath.child("ingress").index(i), objectKinds),
    );
  });
  (rules.egress ?? []).forEach((rule, i) => {
    errs.push(...validateRule(rule.ports, rule.to, "to", specPath.child("egress").index(i), objectKinds));
  });
  return errs;
}

/** Each policy type Ingress or Egress, none twice (whether the list may be empty is per API). */
export function validatePolicyTypes(types: readonly string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new DuplicateTracker();
  (types ?? []).forEach((t, i) => {
    errs.push(...validateEnum(t, policyTypes, path.index(i)), ...seen.check(t, path.index(i)));
  });
  return errs;
}
