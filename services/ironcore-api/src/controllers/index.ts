/**
 * The ironcore controllers (upstream ironcore-controller-manager) that run inside ironcore-api:
 * one Manager with shared informers over the API server's own client, and one controller per
 * upstream `--controllers` name. See ../../README.md for what each one does.
 */
import type { ObjectClient } from "@ironcore-ts/client";
import { type Controller, Manager, type ManagerOptions } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import type { ControllerContext } from "./context.js";
import { createInformers, type IronCoreInformers } from "./informers.js";
import { loadBalancerEphemeralPrefixReconciler } from "./loadBalancerEphemeralPrefixReconciler.js";
import { loadBalancerReconciler } from "./loadBalancerReconciler.js";
import { machineEphemeralNetworkInterfaceReconciler } from "./machineEphemeralNetworkInterfaceReconciler.js";
import { machineSchedulerReconciler } from "./machineSchedulerReconciler.js";
import { networkInterfaceEphemeralPrefixReconciler } from "./networkInterfaceEphemeralPrefixReconciler.js";
import { networkInterfaceEphemeralVirtualIPReconciler } from "./networkInterfaceEphemeralVirtualIPReconciler.js";
import { networkInterfaceReleaseReconciler } from "./networkInterfaceReleaseReconciler.js";
import { networkPeeringReconciler } from "./networkPeeringReconciler.js";
import { networkProtectionReconciler } from "./networkProtectionReconciler.js";
import { networkReleaseReconciler } from "./networkReleaseReconciler.js";
import { prefixAllocationReconciler } from "./prefixAllocationReconciler.js";
import { virtualIPReleaseReconciler } from "./virtualIPReleaseReconciler.js";

export { ephemeralManagedByAnnotation, ephemeralManagerName } from "./ephemeral.js";
export { networkInterfacesReadyCondition } from "./machineEphemeralNetworkInterfaceReconciler.js";
export { scheduledCondition } from "./machineSchedulerReconciler.js";
export { networkFinalizer } from "./networkProtectionReconciler.js";

export interface IronCoreControllersOptions {
  /** Where the controllers read and write: `apiServer.client` inside ironcore-api. */
  client: ObjectClient;
  logger: Logger;
  /** Stops everything when aborted (as does `stop()`). */
  signal?: AbortSignal;
  /**
   * With several ironcore-api replicas on one store, only the lease holder may run controllers
   * (prefix allocation and scheduling decide one at a time). Informers run on every replica.
   */
  leaderElection?: ManagerOptions["leaderElection"];
}

export interface IronCoreControllers {
  manager: Manager;
  informers: IronCoreInformers;
  controllers: readonly Controller[];
  /** Resolves true once every informer has listed (controllers start only then). */
  waitForSync(signal?: AbortSignal): Promise<boolean>;
  /** Stops controllers and informers; resolves once in-flight reconciles have returned. */
  stop(): Promise<void>;
}

/** The controllers, in no particular order (they only meet through the API). */
export const controllerFactories: ReadonlyArray<(ctx: ControllerContext) => Controller> = [
  machineEphemeralNetworkInterfaceReconciler,
  networkInterfaceEphemeralVirtualIPReconciler,
  networkInterfaceEphemeralPrefixReconciler,
  loadBalancerEphemeralPrefixReconciler,
  prefixAllocationReconciler,
  loadBalancerReconciler,
  networkPeeringReconciler,
  networkReleaseReconciler,
  networkProtectionReconciler,
  networkInterfaceReleaseReconciler,
  virtualIPReleaseReconciler,
  machineSchedulerReconciler,
];

/** Builds the informers and controllers and starts them; returns at once. */
export function startIronCoreControllers(options: IronCoreControllersOptions): IronCoreControllers {
  const logger = options.logger;
  const manager = new Manager({ logger, leaderElection: options.leaderElection });
  const informers = createInformers(manager, options.client);
  const ctx: ControllerContext = { client: options.client, informers, logger };
  const controllers = controllerFactories.map((create) => create(ctx));
  for (const c of controllers) manager.add(c);
  const finished = manager.start(options.signal);
  return {
    manager,
    informers,
    controllers,
    waitForSync: (signal) => manager.waitForCacheSync(signal),
    stop: async () => {
      await manager.stop();
      await finished;
    },
  };
}
