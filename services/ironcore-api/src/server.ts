import { ApiServer } from "@ironcore-ts/apiserver";
import type { Lease } from "@ironcore-ts/controller";
import { createLogger, type Logger, type RunningService, startService } from "@ironcore-ts/runtime";
import { MemoryStore, type Store } from "@ironcore-ts/store";
import { type IronCoreControllers, startIronCoreControllers } from "./controllers/index.js";
import { ironcoreKinds } from "./kindDefinitions.js";

export interface IronCoreApiOptions {
  store?: Store;
  host?: string;
  /** 0 picks a free port (tests). */
  grpcPort?: number;
  httpPort?: number;
  logger?: Logger;
  /**
   * Run the ironcore controllers (ephemeral NICs/VIPs/prefixes, prefix allocation, load balancer
   * routing, peering, network protection, release, scheduling) in this process. Default true;
   * false serves the API only (e.g. tests of the API rules, or another process runs them).
   */
  controllers?: boolean;
  /** With several replicas on one store: only the holder of this lease runs the controllers. */
  lease?: Lease;
}

export interface RunningIronCoreApi {
  apiServer: ApiServer;
  service: RunningService;
  /** host:port of the gRPC port, for clients. */
  grpcAddress: string;
  httpAddress: string;
  /** The running controllers, unless started with `controllers: false`. */
  controllers?: IronCoreControllers;
  stop(): Promise<void>;
}

/** ironcore-api in this process: the kinds over a store, served on gRPC and Connect/HTTP. */
export async function startIronCoreApi(options: IronCoreApiOptions = {}): Promise<RunningIronCoreApi> {
  const logger = options.logger ?? createLogger("ironcore-api");
  const store = options.store ?? new MemoryStore();
  const apiServer = new ApiServer({ store, kinds: ironcoreKinds, logger });
  await apiServer.start();
  const host = options.host ?? "127.0.0.1";
  const service = await startService({
    name: "ironcore-api",
    logger,
    grpc: { host, port: options.grpcPort ?? 7443 },
    http: { host, port: options.httpPort ?? 7080 },
    services: apiServer.services(),
  });
  // After the garbage collector has synced (apiServer.start) and the API serves: the controllers
  // talk to the API server in-process, through the same rules a remote client meets.
  const controllers =
    options.controllers === false
      ? undefined
      : startIronCoreControllers({
          client: apiServer.client,
          logger: logger.child({ component: "controllers" }),
          leaderElection: options.lease ? { lease: options.lease } : undefined,
        });
  const clientHost = host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    apiServer,
    service,
    grpcAddress: `${clientHost}:${service.grpcPort}`,
    httpAddress: `${clientHost}:${service.httpPort}`,
    controllers,
    stop: async () => {
      // Controllers first: their in-flight writes finish while the store is still open.
      await controllers?.stop();
      await service.stop();
      apiServer.stop();
    },
  };
}
