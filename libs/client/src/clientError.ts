import { Code, ConnectError } from "@connectrpc/connect";
import { ApiError, type FieldError } from "@ironcore-ts/apimachinery";
import { BadRequestSchema } from "@ironcore-ts/gen/google/rpc/error_details_pb.js";

/**
 * Turns a failed call into the ApiError the server threw: same reason (from the gRPC code),
 * same message, and the field violations from the rich error details when present.
 */
export function toApiError(err: unknown): ApiError | unknown {
  if (!(err instanceof ConnectError)) return err;
  const causes: FieldError[] = err
    .findDetails(BadRequestSchema)
    .flatMap((b) =>
      b.fieldViolations.map((v): FieldError => ({ path: v.field, type: "Invalid", detail: v.description })),
    );
  return ApiError.fromCode(err.code === Code.Unknown ? 2 : err.code, err.rawMessage, causes);
}

/** Awaits a call and rethrows failures as ApiErrors. */
export async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw toApiError(err);
  }
}
