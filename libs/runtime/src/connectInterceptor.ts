import type { Interceptor, StreamResponse } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { status } from "@grpc/grpc-js";
import { abortable } from "./abortable.js";
import type { CallRecorder, EndCall } from "./callRecorder.js";
import { toConnectError } from "./grpcErrors.js";

/**
 * Gives the Connect port what grpcHandlers gives the gRPC port: ApiErrors and unknown errors
 * mapped the same way, a log line and metrics per call, and streams that end (UNAVAILABLE) when
 * the server stops while unary calls may finish.
 */
export function connectInterceptor(recorder: CallRecorder, shutdownSignal: AbortSignal): Interceptor {
  return (next) => async (req) => {
    const grpcWeb = req.header.get("content-type")?.startsWith("application/grpc-web") ?? false;
    const end = recorder.start(req.method, grpcWeb ? "grpc-web" : "connect");
    if (!req.stream) {
      try {
        const res = await next(req);
        end(status.OK);
        return res;
      } catch (err) {
        throw fail(err, end);
      }
    }
    // The handler sees the request's signal, so linking the shutdown into it lets handlers notice.
    const signal = AbortSignal.any([req.signal, shutdownSignal]);
    let res: StreamResponse;
    try {
      const r = await next({ ...req, signal });
      if (!r.stream) throw new ConnectError("expected a stream response", Code.Internal);
      res = r;
    } catch (err) {
      throw fail(err, end);
    }
    return { ...res, message: recorded(res.message, signal, end) };
  };
}

async function* recorded<T>(
  messages: AsyncIterable<T>,
  signal: AbortSignal,
  end: EndCall,
): AsyncGenerator<T, void> {
  try {
    yield* abortable(messages, signal);
    end(status.OK);
  } catch (err) {
    throw fail(err, end);
  } finally {
    // Left early without an error: Connect stopped reading, i.e. the client went away.
    end(status.CANCELLED);
  }
}

function fail(err: unknown, end: EndCall): ConnectError {
  const ce = toConnectError(err);
  end(ce.code, ce);
  return ce;
}
