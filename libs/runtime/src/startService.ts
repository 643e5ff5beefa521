import { setMaxListeners } from "node:events";
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createServiceImplSpec, type ServiceImpl } from "@connectrpc/connect";
import type * as grpc from "@grpc/grpc-js";
import type { Registry } from "prom-client";
import { createCallRecorder } from "./callRecorder.js";
import { connectInterceptor } from "./connectInterceptor.js";
import { startGrpcServer, stopGrpcServer } from "./grpcServer.js";
import { Health } from "./health.js";
import { createHttpServer, type HttpRoute } from "./httpServer.js";
import { createLogger, type Logger } from "./logger.js";
import { grpcMetrics, metricsRegistry } from "./metrics.js";

/** A service and its handlers, written once as a Connect implementation. */
export interface ServiceEntry<S extends DescService = DescService> {
  service: S;
  impl: Partial<ServiceImpl<S>>;
}

export interface StartServiceOptions<S extends readonly DescService[]> {
  /** Names the process in logs. */
  name: string;
  /** Default: createLogger(name). */
  logger?: Logger;
  grpc: {
    host?: string;
    /** 0 picks a free port; the running service reports the actual one. */
    port: number;
    /** Default: plaintext (h2c). */
    credentials?: grpc.ServerCredentials;
    options?: grpc.ServerOptions;
  };
  http: { host?: string; port: number };
  /**
   * Extra plain-HTTP paths on the HTTP port (exact path, query ignored), served before the
   * Connect router; /metrics, /healthz and /readyz keep precedence.
   */
  httpRoutes?: Readonly<Record<string, HttpRoute>>;
  services: { [K in keyof S]: ServiceEntry<S[K]> };
  /** Default: the process registry (metricsRegistry). */
  registry?: Registry;
  /** How long running calls get to finish on stop() before they are cut off; default 10 s. */
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  readonly name: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** grpc.health.v1 statuses; "" and every service are SERVING once started. */
  readonly health: Health;
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * Graceful stop: health NOT_SERVING, streams end with UNAVAILABLE, unary calls get up to
   * shutdownTimeoutMs to finish, then both ports close. Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/** Starts both ports for the given services; see README.md for what each port serves. */
export async function startService<const S extends readonly DescService[]>(
  options: StartServiceOptions<S>,
): Promise<RunningService> {
  const logger = options.logger ?? createLogger(options.name);
  const registry = options.registry ?? metricsRegistry;
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const specs = (options.services as readonly ServiceEntry[]).map((e) =>
    createServiceImplSpec(e.service, e.impl),
  );
  const recorder = createCallRecorder(logger, grpcMetrics(registry));
  const shutdown = new AbortController();
  // Every in-flight call listens on this signal; hundreds at once are normal, not a leak.
  setMaxListeners(0, shutdown.signal);
  const health = new Health();

  const grpcSide = await startGrpcServer({
    host: options.grpc.host ?? "0.0.0.0",
    port: options.grpc.port,
    credentials: options.grpc.credentials,
    serverOptions: options.grpc.options,
    services: specs,
    health,
    recorder,
    shutdownSignal: shutdown.signal,
  });
  const httpServer = createHttpServer({
    services: specs,
    interceptors: [connectInterceptor(recorder, shutdown.signal)],
    registry,
    health,
    routes: options.httpRoutes,
  });
  let httpPort: number;
  try {
    httpPort = await listen(httpServer, options.http.host ?? "0.0.0.0", options.http.port);
  } catch (err) {
    grpcSide.server.forceShutdown();
    throw err;
  }

  for (const spec of specs) health.setStatus(spec.service.typeName, "SERVING");
  health.setStatus("", "SERVING");
  logger.info(
    { grpcPort: grpcSide.port, httpPort, services: specs.map((s) => s.service.typeName) },
    "service started",
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    health.setAll("NOT_SERVING");
    shutdown.abort(new ConnectError("the server is shutting down", Code.Unavailable));
    health.endWatches();
    await Promise.all([stopGrpcServer(grpcSide.server, timeoutMs), closeHttp(httpServer, timeoutMs)]);
    logger.info("service stopped");
  };
  return {
    name: options.name,
    grpcPort: grpcSide.port,
    httpPort,
    health,
    logger,
    registry,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Closes the HTTP port: no new connections, idle keep-alive connections closed as they become
 * idle, and whatever is still open after `timeoutMs` cut off.
 */
function closeHttp(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
