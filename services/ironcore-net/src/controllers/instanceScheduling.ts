/**
 * Where an Instance may run (shared by the instance scheduler and the DaemonSet controller):
 * required node affinity, instance anti-affinity by topology key, and topology spread.
 * Reference: ironcore-net.md section 5 (`instance-scheduler`). Pure functions over plain data.
 */
import { isDeleting, selectorMatches } from "@ironcore-ts/apimachinery";
import type {
  AffinityJson,
  InstanceAffinityTermJson,
  InstanceSpecJson,
  NodeSelectorRequirementJson,
  NodeSelectorTermJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { type InstanceObject, labelSelectorOf, type NodeObject } from "./controllerObjects.js";

/** The only field node affinity selects on. */
export const nodeNameField = "metadata.name";

/** What scheduling needs to know of an instance (or of a template about to become one). */
export interface SchedulingSubject {
  /** Set for existing instances, so an instance never conflicts with itself. */
  uid?: string;
  namespace?: string;
  labels?: Record<string, string>;
  spec?: InstanceSpecJson;
}

/** An instance that already runs (or is about to run) on a node. */
export interface PlacedInstance extends SchedulingSubject {
  nodeName: string;
}

function requirementMatches(req: NodeSelectorRequirementJson, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? "")) return false;
      const have = BigInt(value);
      const want = BigInt(values[0]!);
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false; // validation admits no other operator; an unknown one matches nothing
  }
}

function termMatches(term: NodeSelectorTermJson, node: NodeObject): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // Like Kubernetes, an empty term selects nothing.
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    expressions.every((req) =>
      requirementMatches(req, Object.hasOwn(labels, req.key ?? "") ? labels[req.key!] : undefined),
    ) &&
    fields.every((req) => requirementMatches(req, req.key === nodeNameField ? node.metadata.name : undefined))
  );
}

/** Required node affinity: any of the terms matches the node (no affinity: every node). */
export function nodeAffinityMatches(affinity: AffinityJson | undefined, node: NodeObject): boolean {
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => termMatches(term, node));
}

/** The node names a node affinity pins to with `matchFields metadata.name In [...]` (DaemonSet instances). */
export function pinnedNodeName(spec: InstanceSpecJson | undefined): string | undefined {
  const terms =
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length !== 1) return undefined;
  const fields = terms[0]!.matchFields ?? [];
  const byName = fields.find((f) => f.key === nodeNameField && f.operator === "In" && f.values?.length === 1);
  return byName?.values?.[0];
}

/** The node an instance runs on or is pinned to. */
export function instanceNodeName(inst: InstanceObject): string | undefined {
  return inst.spec?.nodeRef?.name || pinnedNodeName(inst.spec);
}

/** An instance as scheduling sees it: where it runs (or is pinned), unless it is going away. */
export function placedInstance(inst: InstanceObject): PlacedInstance | undefined {
  const nodeName = instanceNodeName(inst);
  if (!nodeName || isDeleting(inst)) return undefined;
  return {
    uid: inst.metadata.uid,
    namespace: inst.metadata.namespace,
    labels: inst.metadata.labels,
    spec: inst.spec,
    nodeName,
  };
}

function antiAffinityTerms(subject: SchedulingSubject): InstanceAffinityTermJson[] {
  return subject.spec?.affinity?.instanceAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
}

function sameDomain(a: NodeObject | undefined, b: NodeObject | undefined, key: string): boolean {
  const va = a?.metadata.labels?.[key];
  const vb = b?.metadata.labels?.[key];
  return va !== undefined && vb !== undefined && va === vb;
}

/**
 * Instance anti-affinity: the node is refused if, in the topology domain (node label value) of
 * one of the subject's terms, a same-namespace instance runs that the term selects; or if a
 * same-namespace instance runs there whose own terms select the subject (the rule is symmetric,
 * as in Kubernetes). A node without the topology key belongs to no domain and conflicts with none.
 */
export function antiAffinityAllows(
  subject: SchedulingSubject,
  node: NodeObject,
  placed: readonly PlacedInstance[],
  nodesByName: ReadonlyMap<string, NodeObject>,
): boolean {
  const terms = antiAffinityTerms(subject);
  for (const other of placed) {
    if ((other.namespace ?? "") !== (subject.namespace ?? "")) continue;
    if (subject.uid !== undefined && other.uid === subject.uid) continue;
    const otherNode = nodesByName.get(other.nodeName);
    for (const term of terms) {
      if (!term.topologyKey || !sameDomain(node, otherNode, term.topologyKey)) continue;
      if (selectorMatches(labelSelectorOf(term.labelSelector), other.labels ?? {})) return false;
    }
    for (const term of antiAffinityTerms(other)) {
      if (!term.topologyKey || !sameDomain(node, otherNode, term.topologyKey)) continue;
      if (selectorMatches(labelSelectorOf(term.labelSelector), subject.labels ?? {})) return false;
    }
  }
  return true;
}

/**
 * Topology spread (whenUnsatisfiable DoNotSchedule): placing the subject on the node must keep
 * `count(domain) − min over domains` within maxSkew, counting same-namespace instances the
 * constraint's selector picks. Domains are the key's values among `eligible` nodes (those the
 * subject's node affinity admits); a node without the key is refused.
 */
export function spreadAllows(
  subject: SchedulingSubject,
  node: NodeObject,
  placed: readonly PlacedInstance[],
  eligible: readonly NodeObject[],
  nodesByName: ReadonlyMap<string, NodeObject>,
): boolean {
  for (const c of subject.spec?.topologySpreadConstraints ?? []) {
    const key = c.topologyKey ?? "";
    const domain = node.metadata.labels?.[key];
    if (!key || domain === undefined) return false;
    const selector = labelSelectorOf(c.labelSelector);
    const counts = new Map<string, number>();
    for (const n of eligible) {
      const v = n.metadata.labels?.[key];
      if (v !== undefined) counts.set(v, 0);
    }
    counts.set(domain, counts.get(domain) ?? 0);
    for (const other of placed) {
      if ((other.namespace ?? "") !== (subject.namespace ?? "")) continue;
      if (subject.uid !== undefined && other.uid === subject.uid) continue;
      if (!selectorMatches(selector, other.labels ?? {})) continue;
      const v = nodesByName.get(other.nodeName)?.metadata.labels?.[key];
      if (v !== undefined && counts.has(v)) counts.set(v, counts.get(v)! + 1);
    }
    const self = selectorMatches(selector, subject.labels ?? {}) ? 1 : 0;
    const min = Math.min(...counts.values());
    if (counts.get(domain)! + self - min > (c.maxSkew ?? 1)) return false;
  }
  return true;
}

/** The nodes the subject may run on, given what already runs where. */
export function feasibleNodes(
  subject: SchedulingSubject,
  nodes: readonly NodeObject[],
  placed: readonly PlacedInstance[],
): NodeObject[] {
  const nodesByName = new Map(nodes.map((n) => [n.metadata.name!, n]));
  const eligible = nodes.filter((n) => nodeAffinityMatches(subject.spec?.affinity, n));
  return eligible.filter(
    (n) =>
      antiAffinityAllows(subject, n, placed, nodesByName) &&
      spreadAllows(subject, n, placed, eligible, nodesByName),
  );
}
