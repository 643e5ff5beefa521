import { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import {
  createLogger,
  type Logger,
  type RunningService,
  type StartServiceOptions,
  startService,
} from "@ironcore-ts/runtime";
import { createDpdkService } from "./api/dpdkService.js";
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
}

export interface RunningDpservice extends RunningService {
  /** The node's tables: what the packet pipeline reads. */
  readonly state: DataplaneState;
}

/** One node's dpservice: the DPDKironcore API (plus health and reflection) over fresh state. */
export async function startDpservice(options: StartDpserviceOptions): Promise<RunningDpservice> {
  const name = options.name ?? "dpservice";
  const logger = options.logger ?? createLogger(name);
  const state = new DataplaneState(options);
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
    services: [{ service: DPDKironcore, impl: createDpdkService(state, logger) }],
    registry: options.registry,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  });
  logger.info(
    { uuid: state.uuid, hostUnderlay: state.hostUnderlay.text, vfs: state.vfs.all.length },
    "dpservice ready: waiting for Initialize",
  );
  return { ...service, state };
}
