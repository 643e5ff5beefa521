/**
 * daemonset (upstream DaemonSetReconciler): runs one Instance of the DaemonSet's template on
 * every Node the template allows. Reference: ironcore-net.md section 5.
 *
 * - Instances of the namespace that the selector (`spec.nodeSelector`) picks and nobody controls
 *   are adopted (controller reference -> DaemonSet).
 * - The nodes to run on: those the template allows (template nodeRef, required node affinity),
 *   then, honouring instance anti-affinity and topology spread, as many as fit, preferring nodes
 *   that already run an instance (so nothing moves while it may stay). Upstream looks at node
 *   affinity only and leaves the rest to the scheduler, where the instances of a zone
 *   anti-affinity would wait unscheduled forever.
 * - Per chosen node: no live instance -> create one; more than one -> keep the oldest. Live
 *   instances on other nodes, unknown nodes or none -> delete.
 * - Instances whose `ips` / `loadBalancerPorts` differ from the template are patched.
 * - New instances: name `<ds>-<10 random characters>`, template labels + controller revision hash
 *   (FNV-32a of the template and collisionCount), node pinned through `spec.nodeRef` and node
 *   affinity `matchFields metadata.name In [<node>]`, controller reference -> DaemonSet.
 * Creations and deletions are remembered until the instance cache shows them (expectations), so
 * a lagging cache never makes a second instance for a node or deletes one twice.
 */
import {
  controllerOf,
  controllerReference,
  isApiError,
  isDeleting,
  objectKey,
  selectorMatches,
} from "@ironcore-ts/apimachinery";
import { jsonEqual } from "@ironcore-ts/apiserver";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import {
  type InstanceSpecJson,
  InstanceSpecSchema,
  InstanceTemplateSchema,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import type { Logger } from "pino";
import { apinetApiVersion, labels as apinetLabels, apinetRefs } from "../apinet.js";
import {
  canonicalJson,
  type DaemonSetObject,
  deleteIfExists,
  failIfAny,
  fnv32a,
  type InstanceObject,
  keyOf,
  labelSelectorOf,
  mergePatch,
  type NodeObject,
  randomSuffix,
  wireForm,
} from "./controllerObjects.js";
import {
  antiAffinityAllows,
  instanceNodeName,
  nodeAffinityMatches,
  nodeNameField,
  type PlacedInstance,
  placedInstance,
  type SchedulingSubject,
  spreadAllows,
} from "./instanceScheduling.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { indexes } from "./networkInformers.js";

/** How long a creation or deletion may stay unseen by the cache before it is no longer waited for. */
const expectationTimeoutMs = 30_000;
const instanceNameRandomLength = 10;
/** Generated names stay within 63 characters: a 52-character prefix plus 10 random ones. */
const instanceNamePrefixMax = 52;

const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** JSON with object keys sorted, so equal values hash equally. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The controller revision hash of a template: FNV-32a of the template (and the collision count
 * when there is one), printed in decimal and mapped onto a vowel-free alphabet (Kubernetes'
 * SafeEncodeString), so it never spells words and is a valid label value.
 */
export function controllerRevisionHash(ds: DaemonSetObject): string {
  const template = stableStringify(canonicalJson(InstanceTemplateSchema, ds.spec?.template));
  const collision = ds.status?.collisionCount;
  const hash = fnv32a(collision === undefined ? template : `${template}${collision}`);
  return [...String(hash)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join("");
}

/** A new instance of the DaemonSet for a node. */
export function newDaemonSetInstance(ds: DaemonSetObject, nodeName: string): InstanceObject {
  const template = ds.spec?.template ?? {};
  const spec: InstanceSpecJson = structuredClone(template.spec ?? {});
  spec.nodeRef = { name: nodeName };
  spec.affinity = {
    ...spec.affinity,
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: nodeNameField, operator: "In", values: [nodeName] }] }],
      },
    },
  };
  const prefix = `${ds.metadata.name}-`.slice(0, instanceNamePrefixMax);
  return {
    apiVersion: apinetApiVersion,
    kind: "Instance",
    metadata: {
      namespace: ds.metadata.namespace,
      name: `${prefix}${randomSuffix(instanceNameRandomLength)}`,
      labels: {
        ...template.metadata?.labels,
        [apinetLabels.controllerRevisionHash]: controllerRevisionHash(ds),
      },
      annotations: template.metadata?.annotations,
      ownerReferences: [controllerReference(ds)],
    },
    spec,
  } as InstanceObject;
}

function byAge(a: InstanceObject, b: InstanceObject): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/**
 * The nodes a DaemonSet should run on. Candidates are the nodes its template allows (nodeRef,
 * node affinity). Anti-affinity and spread depend on what is placed already, so candidates are
 * taken greedily (nodes already running one of its instances first, then by name), in passes
 * until a pass adds nothing: a spread constraint can admit a node once other domains filled up.
 */
export function chooseDaemonSetNodes(
  ds: DaemonSetObject,
  nodes: readonly NodeObject[],
  othersPlaced: readonly PlacedInstance[],
  nodesWithInstance: ReadonlySet<string>,
): Set<string> {
  const template = ds.spec?.template ?? {};
  const subject: SchedulingSubject = {
    namespace: ds.metadata.namespace,
    labels: template.metadata?.labels,
    spec: template.spec,
  };
  const pinned = template.spec?.nodeRef?.name;
  const candidates = nodes
    .filter((n) => (!pinned || n.metadata.name === pinned) && nodeAffinityMatches(template.spec?.affinity, n))
    .sort((a, b) => {
      const ha = nodesWithInstance.has(a.metadata.name!) ? 0 : 1;
      const hb = nodesWithInstance.has(b.metadata.name!) ? 0 : 1;
      return ha - hb || a.metadata.name!.localeCompare(b.metadata.name!);
    });
  const nodesByName = new Map(nodes.map((n) => [n.metadata.name!, n]));
  const hasConstraints =
    (template.spec?.affinity?.instanceAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
      .length > 0 ||
    (template.spec?.topologySpreadConstraints ?? []).length > 0 ||
    othersPlaced.some(
      (p) =>
        (p.spec?.affinity?.instanceAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
          .length > 0,
    );
  if (!hasConstraints) return new Set(candidates.map((n) => n.metadata.name!));
  const chosen = new Set<string>();
  const placed = [...othersPlaced];
  for (let added = true; added; ) {
    added = false;
    for (const node of candidates) {
      const name = node.metadata.name!;
      if (chosen.has(name)) continue;
      if (!antiAffinityAllows(subject, node, placed, nodesByName)) continue;
      if (!spreadAllows(subject, node, placed, candidates, nodesByName)) continue;
      chosen.add(name);
      placed.push({ ...subject, nodeName: name });
      added = true;
    }
  }
  return chosen;
}

/** Creations and deletions a DaemonSet is waiting to see in the instance cache. */
interface Expectation {
  creates: Set<string>;
  deletes: Set<string>;
  deadline: number;
}

export function daemonSetReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;
  const expectations = new Map<string, Expectation>();

  /** Milliseconds still to wait for the cache to show this DaemonSet's own writes, or 0. */
  function pendingExpectations(key: string, namespace: string | undefined): number {
    const exp = expectations.get(key);
    if (!exp) return 0;
    for (const name of exp.creates)
      if (informers.instances.get(keyOf(namespace, name))) exp.creates.delete(name);
    for (const name of exp.deletes) {
      const inst = informers.instances.get(keyOf(namespace, name));
      if (!inst || isDeleting(inst)) exp.deletes.delete(name);
    }
    const wait = exp.deadline - Date.now();
    if ((exp.creates.size === 0 && exp.deletes.size === 0) || wait <= 0) {
      expectations.delete(key);
      return 0;
    }
    return wait;
  }

  function expect(key: string): Expectation {
    let exp = expectations.get(key);
    if (!exp) {
      exp = { creates: new Set(), deletes: new Set(), deadline: 0 };
      expectations.set(key, exp);
    }
    exp.deadline = Date.now() + expectationTimeoutMs;
    return exp;
  }

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const ds = informers.daemonSets.get(key);
    if (!ds) {
      expectations.delete(key);
      return; // its instances go with it (controller reference + garbage collection)
    }
    if (isDeleting(ds)) return;
    const namespace = ds.metadata.namespace;
    const wait = pendingExpectations(key, namespace);
    if (wait > 0) return { requeueAfter: wait }; // the instance events will usually come first
    const selector = labelSelectorOf(ds.spec?.nodeSelector);
    const template = ds.spec?.template ?? {};
    const errors: unknown[] = [];

    // Adopt what the selector picks and nobody controls; see our own through the controller index.
    const inNamespace = informers.instances.byIndex(indexes.namespace, namespace ?? "");
    const owned: InstanceObject[] = [];
    for (const inst of inNamespace) {
      if (controllerOf(inst)?.uid === ds.metadata.uid) {
        owned.push(inst);
        continue;
      }
      if (controllerOf(inst) || isDeleting(inst) || !selector) continue;
      if (!selectorMatches(selector, inst.metadata.labels ?? {})) continue;
      try {
        const adopted = await client.patch<InstanceObject>(
          apinetRefs.Instance,
          namespace,
          inst.metadata.name!,
          mergePatch({
            metadata: {
              resourceVersion: inst.metadata.resourceVersion!,
              ownerReferences: [...(inst.metadata.ownerReferences ?? []), controllerReference(ds)],
            },
          }),
        );
        owned.push(adopted);
        log.info({ instance: inst.metadata.name }, "adopted instance");
      } catch (err) {
        if (!isApiError(err, "NotFound")) errors.push(err);
      }
    }
    const alive = owned.filter((inst) => !isDeleting(inst)).sort(byAge);

    const nodes = informers.nodes.list();
    const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
    const ownedUIDs = new Set(owned.map((i) => i.metadata.uid));
    const othersPlaced = informers.instances
      .list()
      .filter((i) => !ownedUIDs.has(i.metadata.uid))
      .flatMap((i) => placedInstance(i) ?? []);
    const byNode = new Map<string, InstanceObject[]>();
    for (const inst of alive) {
      const node = instanceNodeName(inst);
      if (!node || !nodeNames.has(node)) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), inst]);
    }
    const chosen = chooseDaemonSetNodes(ds, nodes, othersPlaced, new Set(byNode.keys()));

    const toCreate = [...chosen].filter((node) => !byNode.has(node)).sort();
    const toDelete: InstanceObject[] = [];
    const kept: InstanceObject[] = [];
    for (const inst of alive) {
      const node = instanceNodeName(inst);
      const onNode = node ? byNode.get(node) : undefined;
      if (!node || !chosen.has(node) || !onNode) toDelete.push(inst);
      else if (onNode[0] !== inst)
        toDelete.push(inst); // a duplicate: the oldest one stays
      else kept.push(inst);
    }

    if (toCreate.length > 0 || toDelete.length > 0) {
      const exp = expect(key);
      await Promise.all([
        ...toCreate.map(async (node) => {
          const inst = newDaemonSetInstance(ds, node);
          exp.creates.add(inst.metadata.name!);
          try {
            await client.create(wireForm(inst));
            log.info({ instance: inst.metadata.name, node }, "created instance");
          } catch (err) {
            exp.creates.delete(inst.metadata.name!);
            errors.push(err);
          }
        }),
        ...toDelete.map(async (inst) => {
          exp.deletes.add(inst.metadata.name!);
          try {
            await deleteIfExists(client.delete(apinetRefs.Instance, namespace, inst.metadata.name!));
            log.info({ instance: inst.metadata.name, node: instanceNodeName(inst) }, "deleted instance");
          } catch (err) {
            exp.deletes.delete(inst.metadata.name!);
            errors.push(err);
          }
        }),
      ]);
    }

    // Addresses and ports follow the template on running instances (the rest of an instance's
    // spec is either immutable or decides placement, which is handled above).
    const wantIPs = canonicalJson(InstanceSpecSchema, { ips: template.spec?.ips }).ips ?? [];
    const wantPorts =
      canonicalJson(InstanceSpecSchema, { loadBalancerPorts: template.spec?.loadBalancerPorts })
        .loadBalancerPorts ?? [];
    await Promise.all(
      kept.map(async (inst) => {
        const have = canonicalJson(InstanceSpecSchema, {
          ips: inst.spec?.ips,
          loadBalancerPorts: inst.spec?.loadBalancerPorts,
        });
        if (jsonEqual(have.ips ?? [], wantIPs) && jsonEqual(have.loadBalancerPorts ?? [], wantPorts)) return;
        try {
          await client.patch(apinetRefs.Instance, namespace, inst.metadata.name!, {
            spec: { ips: wantIPs, loadBalancerPorts: wantPorts },
          });
          log.info({ instance: inst.metadata.name }, "updated instance addresses and ports");
        } catch (err) {
          if (!isApiError(err, "NotFound")) errors.push(err);
        }
      }),
    );
    failIfAny(errors, `DaemonSet ${key}`);
  }

  /** Every DaemonSet: a Node coming, going or changing labels can change where each one runs. */
  const allDaemonSets = () => informers.daemonSets.keys();

  /** DaemonSets of the namespace whose selector picks an uncontrolled instance (to adopt it). */
  const adopters = (inst: InstanceObject): string[] => {
    if (controllerOf(inst)) return [];
    return informers.daemonSets
      .list()
      .filter(
        (ds) =>
          ds.metadata.namespace === inst.metadata.namespace &&
          ds.spec?.nodeSelector !== undefined &&
          selectorMatches(labelSelectorOf(ds.spec.nodeSelector), inst.metadata.labels ?? {}),
      )
      .map((ds) => objectKey(ds.metadata));
  };
  const owner = enqueueOwner<InstanceObject>("DaemonSet", apinetApiVersion);

  return new Controller({ name: "daemonset", logger: ctx.logger, concurrency: 4, reconcile })
    .watch(informers.daemonSets, enqueueObject())
    .watch(
      informers.instances,
      enqueueMapped((inst: InstanceObject) => [...owner(inst), ...adopters(inst)]),
    )
    .watch(informers.nodes, enqueueMapped(allDaemonSets));
}
