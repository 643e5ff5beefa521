/**
 * What every apinetlet reconciler is built from.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import type { ControllerOptions } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import type { AllocationRetry } from "./allocation.js";
import type { Informers } from "./informers.js";
import { ironcoreLabels } from "./kinds.js";
import type { RecentWrites } from "./recentWrites.js";

export interface ApinetletSettings {
  /** The apinet namespace every apinet object is written to (upstream `--api-net-namespace`). */
  apinetNamespace: string;
  /** Only ironcore objects labelled `common.ironcore.dev/watch-filter=<value>` (upstream `--watch-filter`). */
  watchFilter?: string;
  /** Leave apinet Network peerings empty (upstream `--disable-network-peering`). */
  disableNetworkPeering: boolean;
  /** Pin load balancer instances to the nodes of their destinations (upstream `--is-node-affinity-aware`). */
  nodeAffinityAware: boolean;
  /** Workers per controller (Network and VirtualIP get this many; the others a quarter, at least 2). */
  concurrency: number;
}

export interface ApinetletContext {
  /** ironcore-api (the user API). */
  ironcore: ObjectClient;
  /** ironcore-net (the apinet API). */
  apinet: ObjectClient;
  informers: Informers;
  settings: ApinetletSettings;
  allocation: AllocationRetry;
  logger: Logger;
  /** Where controller and work queue metrics go (the registry /metrics serves). */
  registry?: ControllerOptions["registry"];
  /** What apinetlet's own writes returned, for read-your-writes (recentWrites.ts). */
  writes: RecentWrites;
}

/**
 * The newer of an informer's copy of an object and apinetlet's own last write of it; a missing
 * `cached` means deleted.
 */
export function latest<T extends ApiObject>(
  ctx: ApinetletContext,
  ref: KindRef,
  cached: T | undefined,
): T | undefined {
  return ctx.writes.latest(ref, cached);
}

/**
 * Like `latest`, for objects apinetlet creates: when the informer has not seen it yet, what
 * apinetlet created or wrote a moment ago (saves a create that would fail with AlreadyExists).
 */
export function latestOrWritten<T extends ApiObject>(
  ctx: ApinetletContext,
  ref: KindRef,
  cached: T | undefined,
  namespace: string,
  name: string,
): T | undefined {
  return ctx.writes.latest(ref, cached, { namespace, name, orWritten: true });
}

/**
 * Whether apinetlet handles this ironcore object: not externally managed (upstream ignores
 * objects annotated `common.ironcore.dev/managed-by`) and matching the watch filter if one is set.
 * An object that is not handled is left alone entirely - its apinet objects are neither updated
 * nor deleted.
 */
export function isHandled(settings: ApinetletSettings, obj: ApiObject): boolean {
  if (obj.metadata.annotations?.[ironcoreLabels.managedBy]) return false;
  if (settings.watchFilter !== undefined && settings.watchFilter !== "") {
    return obj.metadata.labels?.[ironcoreLabels.watchFilter] === settings.watchFilter;
  }
  return true;
}
