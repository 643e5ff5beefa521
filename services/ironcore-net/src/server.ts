import { ApiServer } from "@ironcore-ts/apiserver";
import { listWatcherFor } from "@ironcore-ts/client";
import { type Lease, Manager } from "@ironcore-ts/controller";
import { createLogger, type Logger, type RunningService, startService } from "@ironcore-ts/runtime";
import { MemoryStore, type Store } from "@ironcore-ts/store";
import { Allocation } from "./allocation/allocation.js";
import { apinetRefs } from "./apinet.js";
import { type IronCoreNetConfig, type ResolvedConfig, resolveConfig } from "./config.js";
import { addAllocationControllers } from "./controllers/allocationControllers.js";
import { addNetworkControllers } from "./controllers/networkControllers.js";
import { apinetKindDefinitions } from "./kindDefinitions.js";

export interface IronCoreNetOptions {
  store?: Store;
  host?: string;
  /** 0 picks a free port (tests). 7444 unless set. */
  grpcPort?: number;
  /** Connect/gRPC-Web over HTTP/1.1; 7081 unless set. */
  httpPort?: number;
  logger?: Logger;
  /** Allocation settings; defaults in config.ts. */
  config?: Partial<IronCoreNetConfig>;
  /**
   * Leader election for the controllers (garbage collectors). Give one (a RedisLease) when
   * several replicas share a store; without it every replica runs them (harmless, just doubled).
   */
  lease?: Lease;
  /** false: serve the API without the controllers (tests that need hooks-only behaviour). */
  controllers?: boolean;
  /**
   * false: leave out the network controllers (NAT gateways and autoscaler, load balancer
   * DaemonSets/Instances, policy rules) while keeping the allocation collectors: for tests that
   * run those controllers themselves.
   */
  networkControllers?: boolean;
}

export interface RunningIronCoreNet {
  apiServer: ApiServer;
  service: RunningService;
  manager: Manager;
  config: ResolvedConfig;
  /** host:port of the gRPC port, for clients. */
  grpcAddress: string;
  httpAddress: string;
  stop(): Promise<void>;
}

/**
 * ironcore-net in this process: the core.apinet.ironcore.dev kinds over a store with their
 * allocators, served on gRPC and Connect/HTTP, and its controllers.
 */
export async function startIronCoreNet(options: IronCoreNetOptions = {}): Promise<RunningIronCoreNet> {
  const logger = options.logger ?? createLogger("ironcore-net");
  const config = resolveConfig(options.config);
  const store = options.store ?? new MemoryStore();
  let allocation: Allocation | undefined;
  const apiServer = new ApiServer({
    store,
    kinds: apinetKindDefinitions(() => {
      if (!allocation) throw new Error("ironcore-net: allocation used before the server was started");
      return allocation;
    }),
    logger,
  });
  await apiServer.start();

  const manager = new Manager({
    logger,
    leaderElection: options.lease ? { lease: options.lease } : undefined,
  });
  // The claim caches run on every replica (informers do not wait for leadership): they let the
  // allocation walks skip taken candidates without a round trip. They only save work; the
  // atomic create of the claim decides.
  const networkIDs = manager.informer(listWatcherFor(apiServer.client, apinetRefs.NetworkID), {
    key: "NetworkID",
    name: "NetworkID",
  });
  const ipAddresses = manager.informer(listWatcherFor(apiServer.client, apinetRefs.IPAddress), {
    key: "IPAddress",
    name: "IPAddress",
  });
  allocation = new Allocation(apiServer.client, config, {
    networkIDs: { has: (name) => networkIDs.get(name) !== undefined },
    ipAddresses: { has: (name) => ipAddresses.get(name) !== undefined },
  });
  if (options.controllers !== false) {
    addAllocationControllers(
      manager,
      apiServer.client,
      allocation.claims,
      logger.child({ component: "controllers" }),
    );
    if (options.networkControllers !== false) {
      addNetworkControllers(manager, apiServer.client, logger.child({ component: "controllers" }));
    }
  }
  const managerDone = manager.start();

  const host = options.host ?? "127.0.0.1";
  const service = await startService({
    name: "ironcore-net",
    logger,
    grpc: { host, port: options.grpcPort ?? 7444 },
    http: { host, port: options.httpPort ?? 7081 },
    services: apiServer.services(),
  });
  const clientHost = host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    apiServer,
    service,
    manager,
    config,
    grpcAddress: `${clientHost}:${service.grpcPort}`,
    httpAddress: `${clientHost}:${service.httpPort}`,
    stop: async () => {
      await service.stop();
      await manager.stop();
      await managerDone;
      apiServer.stop();
    },
  };
}
