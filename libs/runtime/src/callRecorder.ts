import type { DescMethod } from "@bufbuild/protobuf";
import { Code, type ConnectError } from "@connectrpc/connect";
import { status } from "@grpc/grpc-js";
import { codeName } from "./grpcErrors.js";
import type { Logger } from "./logger.js";
import type { GrpcMetrics } from "./metrics.js";

/** Ends a call's record with its final gRPC code; `error` is the error the client was sent. */
export type EndCall = (code: number, error?: ConnectError) => void;

/** Logs and counts every call, the same way on both ports. */
export interface CallRecorder {
  start(method: DescMethod, protocol: string): EndCall;
}

const grpcTypes: Record<DescMethod["methodKind"], string> = {
  unary: "unary",
  server_streaming: "server_stream",
  client_streaming: "client_stream",
  bidi_streaming: "bidi_stream",
};

// Codes that mean the server failed, rather than the request or the client.
const serverFaults = new Set<number>([Code.Unknown, Code.Internal, Code.DataLoss]);

export function createCallRecorder(logger: Logger, metrics: GrpcMetrics): CallRecorder {
  return {
    start(method, protocol) {
      const started = process.hrtime.bigint();
      const labels = {
        grpc_type: grpcTypes[method.methodKind],
        grpc_service: method.parent.typeName,
        grpc_method: method.name,
      };
      let ended = false;
      return (code, error) => {
        if (ended) return;
        ended = true;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.handled.inc({ ...labels, grpc_code: codeName(code) });
        metrics.handlingSeconds.observe(labels, seconds);
        const line = {
          method: `/${labels.grpc_service}/${labels.grpc_method}`,
          protocol,
          code: codeName(code),
          ms: Math.round(seconds * 1e4) / 10,
        };
        if (code === status.OK || code === Code.Canceled) {
          logger.debug(line, "call");
        } else if (serverFaults.has(code)) {
          // For errors the client only saw as "internal error", the cause is the interesting part.
          logger.error({ ...line, err: error?.cause ?? error }, "call failed");
        } else {
          logger.warn({ ...line, error: error?.rawMessage }, "call failed");
        }
      };
    },
  };
}
