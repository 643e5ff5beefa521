import { Code, ConnectError } from "@connectrpc/connect";

/**
 * The first error layer: the call itself fails with a gRPC status. Used for malformed input
 * (upstream's texts, e.g. "Invalid interface_id") and for calls before Initialize.
 */
export function invalidArgument(message: string): never {
  throw new ConnectError(message, Code.InvalidArgument);
}

export function notInitialized(): never {
  throw new ConnectError("not initialized", Code.Aborted);
}
