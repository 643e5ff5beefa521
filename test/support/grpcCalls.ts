// Calls through a plain grpc-js client whose methods come from `grpcServiceDefinition` (the
// protobuf-es descriptors), the way a grpc-js user of the typed services would call them.
import { type DescMessage, isMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";

export function grpcClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure());
}

function methodOf(
  definition: grpc.ServiceDefinition,
  localName: string,
): grpc.MethodDefinition<unknown, unknown> {
  const method = definition[localName];
  if (!method) throw new Error(`no method ${localName} in the service definition`);
  return method;
}

/** A unary call; resolves with the response (checked to be an `output` message) or rejects with the ServiceError. */
export function grpcUnary<O extends DescMessage>(
  client: grpc.Client,
  definition: grpc.ServiceDefinition,
  localName: string,
  output: O,
  request: Message,
): Promise<MessageShape<O>> {
  const method = methodOf(definition, localName);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      (err: grpc.ServiceError | null, res?: unknown) => {
        if (err) reject(err);
        else if (isMessage(res, output)) resolve(res);
        else reject(new Error(`${method.path} answered something that is not a ${output.typeName}`));
      },
    );
  });
}

/** A server-streaming call as an async iterable of `output` messages; errors are thrown by the iteration. */
export async function* grpcServerStream<O extends DescMessage>(
  client: grpc.Client,
  definition: grpc.ServiceDefinition,
  localName: string,
  output: O,
  request: Message,
  signal?: AbortSignal,
): AsyncGenerator<MessageShape<O>> {
  const method = methodOf(definition, localName);
  const call = client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    request,
  );
  const cancel = () => call.cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    for await (const msg of call as AsyncIterable<unknown>) {
      if (!isMessage(msg, output))
        throw new Error(`${method.path} sent something that is not a ${output.typeName}`);
      yield msg;
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    signal?.removeEventListener("abort", cancel);
    call.cancel();
  }
}

/** Is this a grpc-js call failure (code, details, metadata)? */
export function isServiceError(err: unknown): err is grpc.ServiceError {
  return (
    err instanceof Error &&
    "code" in err &&
    typeof err.code === "number" &&
    "details" in err &&
    "metadata" in err
  );
}
