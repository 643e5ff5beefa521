import type { ServiceImplSpec } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import type { CallRecorder } from "./callRecorder.js";
import { grpcHandlers } from "./grpcHandlers.js";
import type { Health } from "./health.js";
import { addReflection, ReflectionIndex } from "./reflection.js";
import { grpcServiceDefinition } from "./serviceDefinition.js";

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Default: plaintext (h2c). */
  credentials?: grpc.ServerCredentials;
  /** grpc-js channel options (keepalive, message sizes, ...). */
  serverOptions?: grpc.ServerOptions;
  services: readonly ServiceImplSpec[];
  health: Health;
  recorder: CallRecorder;
  shutdownSignal: AbortSignal;
}

/**
 * The gRPC port: every service (grpc-js, protobuf-es messages), grpc.health.v1.Health and server
 * reflection v1/v1alpha. Resolves once listening, with the actual port.
 */
export async function startGrpcServer(
  options: GrpcServerOptions,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(options.serverOptions);
  for (const spec of options.services) {
    server.addService(
      grpcServiceDefinition(spec.service),
      grpcHandlers(spec, { recorder: options.recorder, shutdownSignal: options.shutdownSignal }),
    );
  }
  options.health.addToServer(server);
  addReflection(server, new ReflectionIndex(options.services.map((s) => s.service)), options.shutdownSignal);
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port}`, credentials, (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  return { server, port };
}

/** Lets running calls finish for up to `timeoutMs`, then cuts the rest off. */
export function stopGrpcServer(server: grpc.Server, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
