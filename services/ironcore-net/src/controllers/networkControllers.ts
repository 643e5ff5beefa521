/**
 * The ironcore-net controllers (upstream apinet controller-manager): NAT gateways and their
 * autoscalers, NAT claim release, load balancers -> DaemonSets -> Instances and their scheduling,
 * and NetworkPolicyRule clean-up. Reference: ironcore-net.md sections 4 and 5.
 *
 * They are written against an ObjectClient, so they run inside the API server (over its
 * in-process client) or as a separate process (over gRPC) alike.
 */
import { setMaxListeners } from "node:events";
import type { ObjectClient } from "@ironcore-ts/client";
import { type Controller, Manager, type ManagerOptions } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import { daemonSetReconciler } from "./daemonSetReconciler.js";
import { instanceSchedulerReconciler } from "./instanceSchedulerReconciler.js";
import { loadBalancerReconciler } from "./loadBalancerReconciler.js";
import { natGatewayAutoscalerReconciler } from "./natGatewayAutoscalerReconciler.js";
import { natGatewayReconciler } from "./natGatewayReconciler.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { createNetworkInformers, type NetworkInformers } from "./networkInformers.js";
import { networkInterfaceNATReleaseReconciler } from "./networkInterfaceNATReleaseReconciler.js";
import { networkPolicyReconciler } from "./networkPolicyReconciler.js";

export interface NetworkControllersOptions {
  client: ObjectClient;
  logger: Logger;
  /** Stops informers and controllers. */
  signal: AbortSignal;
  /** With several replicas: controllers run only on the holder of this lease. */
  leaderElection?: ManagerOptions["leaderElection"];
}

export interface RunningNetworkControllers {
  manager: Manager;
  informers: NetworkInformers;
  controllers: readonly Controller[];
  /** Resolves true once every informer has its first list (false if stopped first). */
  synced: Promise<boolean>;
  /** Resolves once everything has stopped after `signal` aborted. */
  done: Promise<void>;
}

/** Builds the controllers on a manager (without starting it), for callers that run their own. */
export function addNetworkControllers(
  manager: Manager,
  client: ObjectClient,
  logger: Logger,
): { informers: NetworkInformers; controllers: Controller[] } {
  const informers = createNetworkInformers(manager, client);
  const ctx: NetworkControllerContext = { client, informers, logger };
  const controllers = [
    natGatewayReconciler(ctx),
    natGatewayAutoscalerReconciler(ctx),
    networkInterfaceNATReleaseReconciler(ctx),
    loadBalancerReconciler(ctx),
    daemonSetReconciler(ctx),
    instanceSchedulerReconciler(ctx),
    networkPolicyReconciler(ctx),
  ];
  for (const c of controllers) manager.add(c);
  return { informers, controllers };
}

/** Starts the ironcore-net controllers; they run until `signal` aborts. */
export function startNetworkControllers({
  client,
  logger,
  signal,
  leaderElection,
}: NetworkControllersOptions): RunningNetworkControllers {
  const log = logger.child({ component: "ironcore-net-controllers" });
  // Every informer and controller listens for the stop (more than Node's default of 10 listeners
  // per signal, which would warn of a leak); they listen on our own signal, not the caller's.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  if (signal.aborted) stop.abort();
  else signal.addEventListener("abort", () => stop.abort(), { once: true });
  const manager = new Manager({ logger: log, leaderElection });
  const { informers, controllers } = addNetworkControllers(manager, client, log);
  const done = manager.start(stop.signal);
  return { manager, informers, controllers, synced: manager.waitForCacheSync(stop.signal), done };
}
