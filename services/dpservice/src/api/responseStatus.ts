import type { MessageInitShape } from "@bufbuild/protobuf";
import type { StatusSchema } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { DpError, StatusCode, statusMessage } from "../state/statusCode.js";

type StatusInit = MessageInitShape<typeof StatusSchema>;

function status(code: number): StatusInit {
  return { code, message: statusMessage(code) };
}

/**
 * The second error layer: runs a state operation and answers gRPC OK with `status` = Success and
 * the body's fields, or, when the operation refused (DpError), with only the status code and its
 * name (as upstream, whose other response fields stay empty on error). Anything else propagates.
 */
export function withStatus<T extends object>(
  body: () => T,
): (T & { status: StatusInit }) | { status: StatusInit } {
  try {
    return { ...body(), status: status(StatusCode.OK) };
  } catch (err) {
    if (err instanceof DpError) return { status: status(err.code) };
    throw err;
  }
}
