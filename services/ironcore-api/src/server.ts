import { ApiServer } from "@ironcore-ts/apiserver";
import { createLogger, type Logger, type RunningService, startService } from "@ironcore-ts/runtime";
import { MemoryStore, type Store } from "@ironcore-ts/store";
import { ironcoreKinds } from "./kindDefinitions.js";

export interface IronCoreApiOptions {
  store?: Store;
  host?: string;
  /** 0 picks a free port (tests). */
  grpcPort?: number;
  httpPort?: number;
  logger?: Logger;
}

export interface RunningIronCoreApi {
  apiServer: ApiServer;
  service: RunningService;
  /** host:port of the gRPC port, for clients. */
  grpcAddress: string;
  httpAddress: string;
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
  const clientHost = host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    apiServer,
    service,
    grpcAddress: `${clientHost}:${service.grpcPort}`,
    httpAddress: `${clientHost}:${service.httpPort}`,
    stop: async () => {
      await service.stop();
      apiServer.stop();
    },
  };
}
