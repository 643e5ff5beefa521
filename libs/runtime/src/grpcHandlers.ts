import type { DescMessage, DescMethod, Message, MessageInitShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createHandlerContext,
  decodeBinaryHeader,
  encodeBinaryHeader,
  type MethodImplSpec,
  type ServiceImplSpec,
} from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { abortable, untilAborted } from "./abortable.js";
import type { CallRecorder } from "./callRecorder.js";
import { toConnectError, toGrpcStatus } from "./grpcErrors.js";

type Out = MessageInitShape<DescMessage>;
type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;
type ServerStreamSpec = Extract<MethodImplSpec, { kind: "server_streaming" }>;
type ServerCall = grpc.ServerUnaryCall<Message, Out> | grpc.ServerWritableStream<Message, Out>;

export interface GrpcHandlerOptions {
  recorder: CallRecorder;
  /**
   * Aborts when the server stops. Streams end then (UNAVAILABLE, so clients reconnect elsewhere);
   * unary calls are left to finish within the shutdown grace period.
   */
  shutdownSignal: AbortSignal;
}

/**
 * grpc-js handlers for a Connect service implementation: each handler gets a Connect
 * HandlerContext whose `signal` aborts when the call is cancelled, times out or ends, and whose
 * `requestHeader` mirrors the request metadata.
 */
export function grpcHandlers(
  spec: ServiceImplSpec,
  options: GrpcHandlerOptions,
): grpc.UntypedServiceImplementation {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [localName, m] of Object.entries(spec.methods)) {
    switch (m.kind) {
      case "unary":
        handlers[localName] = unaryHandler(m, options);
        break;
      case "server_streaming":
        handlers[localName] = serverStreamHandler(m, options);
        break;
      default:
        // Our APIs have none; Connect's port serves them if one ever appears.
        handlers[localName] = unsupportedHandler(m.method);
    }
  }
  return handlers;
}

function unaryHandler(m: UnarySpec, options: GrpcHandlerOptions): grpc.handleUnaryCall<Message, Out> {
  return (call, callback) => {
    const end = options.recorder.start(m.method, "grpc");
    const ctx = handlerContext(m.method, call);
    const onCancel = () => ctx.abort(cancelled());
    call.once("cancelled", onCancel);
    (async () => m.impl(call.request, ctx))()
      .then(
        (res) => {
          sendHeader(call, ctx.responseHeader);
          callback(null, res, toMetadata(ctx.responseTrailer));
          end(call.cancelled ? Code.Canceled : grpc.status.OK);
        },
        (err: unknown) => {
          const ce = toConnectError(err);
          callback(toGrpcStatus(ce));
          end(call.cancelled ? Code.Canceled : ce.code, ce);
        },
      )
      .finally(() => {
        call.off("cancelled", onCancel);
        ctx.abort();
      });
  };
}

function serverStreamHandler(
  m: ServerStreamSpec,
  options: GrpcHandlerOptions,
): grpc.handleServerStreamingCall<Message, Out> {
  return (call) => {
    void serveStream(m, call, options);
  };
}

async function serveStream(
  m: ServerStreamSpec,
  call: grpc.ServerWritableStream<Message, Out>,
  options: GrpcHandlerOptions,
): Promise<void> {
  const end = options.recorder.start(m.method, "grpc");
  const ctx = handlerContext(m.method, call, options.shutdownSignal);
  const onCancel = () => ctx.abort(cancelled());
  call.once("cancelled", onCancel);
  let headerSent = false;
  try {
    for await (const msg of abortable(m.impl(call.request, ctx), ctx.signal)) {
      if (!headerSent) {
        sendHeader(call, ctx.responseHeader);
        headerSent = true;
      }
      if (!call.write(msg)) await drained(call, ctx.signal);
    }
    call.end(toMetadata(ctx.responseTrailer));
    end(grpc.status.OK);
  } catch (err) {
    const ce = toConnectError(err);
    if (call.cancelled) {
      end(Code.Canceled, ce);
      return;
    }
    // grpc-js turns an 'error' event on a server stream into the call's final status.
    call.emit("error", toGrpcStatus(ce));
    end(ce.code, ce);
  } finally {
    call.off("cancelled", onCancel);
    ctx.abort();
  }
}

function unsupportedHandler(method: DescMethod): grpc.UntypedHandleCall {
  const status = {
    code: grpc.status.UNIMPLEMENTED,
    details: `${method.methodKind} methods are not served on the gRPC port (${method.parent.typeName}.${method.name})`,
  };
  if (method.methodKind === "client_streaming") {
    return ((_call, callback) => callback(status)) satisfies grpc.handleClientStreamingCall<Message, Out>;
  }
  return ((call) => call.emit("error", status)) satisfies grpc.handleBidiStreamingCall<Message, Out>;
}

function handlerContext(method: DescMethod, call: ServerCall, shutdownSignal?: AbortSignal) {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return createHandlerContext({
    service: method.parent,
    method,
    protocolName: "grpc",
    requestMethod: "POST",
    url: `http://${call.getHost()}${call.getPath()}`,
    timeoutMs: Number.isFinite(deadlineMs) ? deadlineMs - Date.now() : undefined,
    shutdownSignal,
    requestHeader: toHeaders(call.metadata),
  });
}

function cancelled(): ConnectError {
  return new ConnectError("the client cancelled the call", Code.Canceled);
}

function drained(call: grpc.ServerWritableStream<Message, Out>, signal: AbortSignal): Promise<void> {
  let onDrain = () => {};
  const p = new Promise<void>((resolve) => {
    onDrain = resolve;
    call.once("drain", onDrain);
  });
  return untilAborted(p, signal).finally(() => call.off("drain", onDrain));
}

function sendHeader(call: ServerCall, header: Headers): void {
  if ([...header.keys()].length > 0) call.sendMetadata(toMetadata(header));
}

/** Metadata as Fetch Headers, the way Connect handlers see them (binary values base64). */
function toHeaders(md: grpc.Metadata): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(md.toJSON())) {
    for (const v of values) headers.append(key, typeof v === "string" ? v : encodeBinaryHeader(v));
  }
  return headers;
}

function toMetadata(headers: Headers): grpc.Metadata {
  const md = new grpc.Metadata();
  headers.forEach((value, key) => {
    if (key.endsWith("-bin")) md.add(key, Buffer.from(decodeBinaryHeader(value)));
    else md.add(key, value);
  });
  return md;
}
