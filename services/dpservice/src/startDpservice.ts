import { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import {
  createLogger,
  type Logger,
  metricsRegistry,
  type RunningService,
  type StartServiceOptions,
  startService,
} from "@ironcore-ts/runtime";
import { createDpdkService } from "./api/dpdkService.js";
import { dataplaneServiceEntry } from "./extension/index.js";
import {
  type Dataplane,
  type DataplaneConfig,
  loadDataplaneConfig,
  startDataplane,
} from "./pipeline/index.js";
import { DataplaneState, type DataplaneStateOptions } from "./state/dataplaneState.js";

export interface StartDpserviceOptions extends DataplaneStateOptions {
  /** Process name in logs; default "dpservice". */
  name?: string;
  logger?: Logger;
  /** Port 0 picks a free one (see RunningDpservice.grpcPort). */
  grpc: { host?: string; port: number };
  http: { host?: string; port: number };
  /** Default: the process registry. */
  registry?: StartServiceOptions<[]>["registry"];
  shutdownTimeoutMs?: number;
  /** Ports, fabric and pipeline settings; default: from the environment (PIPELINE.md). */
  dataplane?: DataplaneConfig;
}

export interface RunningDpservice extends RunningService {
  /** The node's tables: what the packet pipeline reads. */
  readonly state: DataplaneState;
  /** The packet pipeline with its VM ports and fabric endpoint. */
  readonly dataplane: Dataplane;
}

/** One node's dpservice: the DPDKironcore API (plus health and reflection) over fresh state. */
export async function startDpservice(options: StartDpserviceOptions): Promise<RunningDpservice> {
  const name = options.name ?? "dpservice";
  const logger = options.logger ?? createLogger(name);
  const state = new DataplaneState(options);
  const registry = options.registry ?? metricsRegistry;
  // The pipeline starts first so that its extension service can be served with the upstream API.
  const dataplane = await startDataplane({
    state,
    logger,
    registry,
    config: options.dataplane ?? loadDataplaneConfig(undefined, name),
  });
  const service = await startService({
    name,
    logger,
    grpc: {
      host: options.grpc.host,
      port: options.grpc.port,
      // Upstream's server keepalive.
      options: { "grpc.keepalive_time_ms": 15_000 },
    },
    http: options.http,
    services: [
      { service: DPDKironcore, impl: createDpdkService(state, logger) },
      dataplaneServiceEntry(dataplane),
    ],
    registry,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  }).catch(async (err: unknown) => {
    await dataplane.stop();
    throw err;
  });
  logger.info(
    { uuid: state.uuid, hostUnderlay: state.hostUnderlay.text, vfs: state.vfs.all.length },
    "dpservice ready: waiting for Initialize",
  );
  return {
    ...service,
    state,
    dataplane,
    stop: async () => {
      await service.stop();
      await dataplane.stop();
    },
  };
}
