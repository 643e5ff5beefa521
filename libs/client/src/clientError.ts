import { Code, ConnectError } from "@connectrpc/connect";
import { ApiError, type FieldError } from "@ironcore-ts/apimachinery";

/**
 * Turns a failed call into the ApiError the server threw: same reason (from the gRPC code),
 * same message, and the field violations from the rich error details when present.
 */
export function toApiError(err: unknown): ApiError | unknown {
  if (!(err instanceof ConnectError)) return err;
  const causes: FieldError[] = [];
  for (const detail of err.details) {
    if ("type" in detail && detail.type === "google.rpc.BadRequest" && "debug" in detail) {
      const debug = detail.debug as
        | { fieldViolations?: Array<{ field?: string; description?: string }> }
        | undefined;
      for (const v of debug?.fieldViolations ?? []) {
        causes.push({ path: v.field ?? "", type: "Invalid", detail: v.description });
      }
    }
  }
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
