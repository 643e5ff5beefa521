/**
 * loadbalancer (upstream LoadBalancerReconciler): realises a LoadBalancer as the DaemonSet
 * `lb-<lb>` (controller reference -> LB), which runs one Instance per suitable Node; when the LB
 * is gone, its LoadBalancerRouting (same name) goes too. Reference: ironcore-net.md section 5.
 *
 * DaemonSet: `nodeSelector` = the LB's selector (it selects the Instances by label), template
 * labels and annotations = the LB template's, template spec = `{type LoadBalancer,
 * loadBalancerType, networkRef, ips: spec.ips[].ip, loadBalancerPorts: spec.ports}` plus the LB
 * template's affinity and topology spread constraints.
 * (quirk) Upstream copies neither annotations nor affinity nor spread constraints, so the
 * zone anti-affinity and node affinity apinetlet writes never take effect and every Node gets an
 * instance; here they are copied so that the DaemonSet and the scheduler honour them.
 */
import {
  controllerOf,
  controllerReference,
  isDeleting,
  objectKey,
  splitObjectKey,
} from "@ironcore-ts/apimachinery";
import { jsonEqual } from "@ironcore-ts/apiserver";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import { DaemonSetSpecSchema } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/daemonset_pb.js";
import type { Logger } from "pino";
import { apinetApiVersion, apinetRefs } from "../apinet.js";
import {
  canonicalJson,
  type DaemonSetObject,
  deleteIfExists,
  getIfExists,
  keyOf,
  type LoadBalancerObject,
  type LoadBalancerRoutingObject,
  requeueOnConflict,
  wireForm,
} from "./controllerObjects.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";

/** The DaemonSet of a LoadBalancer is named `lb-<lb>`. */
export const loadBalancerDaemonSetPrefix = "lb-";

export function loadBalancerDaemonSetName(lbName: string): string {
  return `${loadBalancerDaemonSetPrefix}${lbName}`;
}

/** The DaemonSet a LoadBalancer should have. */
export function desiredLoadBalancerDaemonSet(lb: LoadBalancerObject): DaemonSetObject {
  const spec = lb.spec ?? {};
  const template = spec.template ?? {};
  return {
    apiVersion: apinetApiVersion,
    kind: "DaemonSet",
    metadata: {
      namespace: lb.metadata.namespace,
      name: loadBalancerDaemonSetName(lb.metadata.name!),
      ownerReferences: [controllerReference(lb)],
    },
    spec: {
      nodeSelector: spec.selector,
      template: {
        metadata: {
          labels: template.metadata?.labels,
          annotations: template.metadata?.annotations,
        },
        spec: {
          type: "LoadBalancer",
          loadBalancerType: spec.type,
          networkRef: spec.networkRef,
          // Public LB entries get their address from the server; until then there is none to serve.
          ips: (spec.ips ?? []).flatMap((e) => (e.ip ? [e.ip] : [])),
          loadBalancerPorts: spec.ports,
          affinity: template.spec?.affinity,
          topologySpreadConstraints: template.spec?.topologySpreadConstraints,
        },
      },
    },
  } as DaemonSetObject;
}

function daemonSetUpToDate(current: DaemonSetObject | undefined, desired: DaemonSetObject): boolean {
  if (!current) return false;
  return (
    controllerOf(current)?.uid === desired.metadata.ownerReferences?.[0]?.uid &&
    jsonEqual(
      canonicalJson(DaemonSetSpecSchema, current.spec),
      canonicalJson(DaemonSetSpecSchema, desired.spec),
    )
  );
}

/** Whether a DaemonSet was made for a LoadBalancer of this name (by this controller). */
function belongsToLoadBalancerNamed(ds: DaemonSetObject, lbName: string): boolean {
  const ref = controllerOf(ds);
  return ref?.kind === "LoadBalancer" && ref.name === lbName;
}

export function loadBalancerReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;

  /**
   * The LB is gone: its routing and DaemonSet go. Owner references do this too where they were
   * set (garbage collection); doing it here covers routings written without one. Confirmed with
   * a live read first: apinetlet writes the LB and then its routing, and the routing informer may
   * hear of the routing before the LB informer hears of the LB.
   */
  async function cleanUp(key: string, log: Logger) {
    const { namespace, name } = splitObjectKey(key);
    const routing = informers.loadBalancerRoutings.get(key);
    const ds = informers.daemonSets.get(keyOf(namespace, loadBalancerDaemonSetName(name)));
    const dsOurs = ds !== undefined && !isDeleting(ds) && belongsToLoadBalancerNamed(ds, name);
    if ((!routing || isDeleting(routing)) && !dsOurs) return;
    if (await getIfExists(client.get<LoadBalancerObject>(apinetRefs.LoadBalancer, namespace, name))) return;
    if (routing && (await deleteIfExists(client.delete(apinetRefs.LoadBalancerRouting, namespace, name)))) {
      log.info("deleted the routing of a deleted load balancer");
    }
    if (dsOurs && (await deleteIfExists(client.delete(apinetRefs.DaemonSet, namespace, ds.metadata.name!)))) {
      log.info({ daemonSet: ds.metadata.name }, "deleted the daemon set of a deleted load balancer");
    }
  }

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const lb = informers.loadBalancers.get(key);
    if (!lb) return cleanUp(key, log);
    if (isDeleting(lb)) return;
    const desired = desiredLoadBalancerDaemonSet(lb);
    const current = informers.daemonSets.get(objectKey(desired.metadata));
    if (daemonSetUpToDate(current, desired)) return;
    const owner = current ? controllerOf(current) : undefined;
    if (current && owner && !(owner.kind === "LoadBalancer" && owner.name === lb.metadata.name)) {
      log.warn(
        { daemonSet: current.metadata.name, controller: owner },
        "a daemon set of this name belongs to something else; leaving it alone",
      );
      return;
    }
    await client.apply(wireForm(desired));
    log.info(
      { daemonSet: desired.metadata.name, ips: desired.spec?.template?.spec?.ips?.length ?? 0 },
      current ? "daemon set updated" : "daemon set created",
    );
  }

  return new Controller({
    name: "loadbalancer",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(reconcile),
  })
    .watch(informers.loadBalancers, enqueueObject())
    .watch(informers.daemonSets, enqueueOwner("LoadBalancer", apinetApiVersion))
    .watch(
      informers.loadBalancerRoutings,
      enqueueMapped((routing: LoadBalancerRoutingObject) => objectKey(routing.metadata)),
    );
}
