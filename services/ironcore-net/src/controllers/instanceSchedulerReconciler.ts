/**
 * instance-scheduler (upstream instancescheduler): puts Instances without `spec.nodeRef` on a
 * Node. Feasible nodes = required node affinity ∩ instance anti-affinity ∩ topology spread
 * (instanceScheduling.ts); of those, the one running the fewest instances (then by name) wins and
 * `spec.nodeRef` is set. With no feasible node the instance waits (upstream emits an
 * `OutOfCapacity` event; there is no event API here, so it is a warning in the log) and is looked
 * at again when nodes or instances change. DaemonSet instances arrive with their node set.
 *
 * One worker, like upstream: each decision must see the previous ones. Decisions the instance
 * cache has not shown yet are remembered ("assumed"), so two instances of one anti-affinity
 * group are never put in one domain because the cache lagged.
 */
import { isApiError, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import { apinetRefs } from "../apinet.js";
import { type InstanceObject, type NodeObject, requeueOnConflict } from "./controllerObjects.js";
import { feasibleNodes, type PlacedInstance, placedInstance } from "./instanceScheduling.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { indexes } from "./networkInformers.js";

/** The node with the fewest instances (name breaks ties), or undefined if there is none. */
export function leastLoadedNode(
  nodes: readonly NodeObject[],
  placed: readonly PlacedInstance[],
): string | undefined {
  const load = new Map<string, number>();
  for (const p of placed) load.set(p.nodeName, (load.get(p.nodeName) ?? 0) + 1);
  let best: string | undefined;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const node of [...nodes].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))) {
    const l = load.get(node.metadata.name!) ?? 0;
    if (l < bestLoad) {
      best = node.metadata.name!;
      bestLoad = l;
    }
  }
  return best;
}

export function instanceSchedulerReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;
  /** Instance uid -> node, for bindings written but not yet seen in the cache. */
  const assumed = new Map<string, PlacedInstance>();

  function placedInstances(): PlacedInstance[] {
    const placed: PlacedInstance[] = [];
    const seen = new Set<string>();
    for (const inst of informers.instances.list()) {
      const uid = inst.metadata.uid ?? "";
      if (inst.spec?.nodeRef?.name || isDeleting(inst)) assumed.delete(uid);
      const p = placedInstance(inst);
      if (p) {
        placed.push(p);
        seen.add(uid);
      }
    }
    for (const [uid, p] of assumed) if (!seen.has(uid)) placed.push(p);
    return placed;
  }

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const inst = informers.instances.get(key);
    if (!inst || isDeleting(inst) || inst.spec?.nodeRef?.name) {
      if (inst) assumed.delete(inst.metadata.uid ?? "");
      return;
    }
    if (assumed.has(inst.metadata.uid ?? "")) return; // bound already; the cache will catch up
    const nodes = informers.nodes.list().filter((n) => !isDeleting(n));
    const placed = placedInstances();
    const subject = {
      uid: inst.metadata.uid,
      namespace: inst.metadata.namespace,
      labels: inst.metadata.labels,
      spec: inst.spec,
    };
    // Its own pin (matchFields) is a wish, not a placement: it must not count against itself.
    const others = placed.filter((p) => p.uid !== subject.uid);
    const node = leastLoadedNode(feasibleNodes(subject, nodes, others), others);
    if (!node) {
      log.warn({ reason: "OutOfCapacity", nodes: nodes.length }, "no node fits the instance; waiting");
      return;
    }
    try {
      await client.patch(apinetRefs.Instance, inst.metadata.namespace, inst.metadata.name!, {
        metadata: { resourceVersion: inst.metadata.resourceVersion! },
        spec: { nodeRef: { name: node } },
      });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    assumed.set(inst.metadata.uid ?? "", { ...subject, nodeName: node });
    log.info({ node }, "scheduled instance");
  }

  const unscheduled = () =>
    informers.instances.byIndex(indexes.unscheduled, "true").map((i) => objectKey(i.metadata));

  return new Controller({
    name: "instance-scheduler",
    logger: ctx.logger,
    concurrency: 1,
    reconcile: requeueOnConflict(reconcile),
  })
    .watch(
      informers.instances,
      // An unscheduled instance is work; any other change of placement may make room for the waiting ones.
      enqueueMapped((inst: InstanceObject) =>
        !inst.spec?.nodeRef?.name && !isDeleting(inst) ? [objectKey(inst.metadata)] : unscheduled(),
      ),
    )
    .watch(informers.nodes, enqueueMapped(unscheduled));
}
