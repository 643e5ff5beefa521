import { create, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { Metadata, type StatusObject } from "@grpc/grpc-js";
import { ApiError, type FieldError, formatFieldError } from "@ironcore-ts/apimachinery";
import { BadRequestSchema, StatusSchema } from "./generatedProtos.js";

/** The trailer gRPC's richer error model uses for a serialized google.rpc.Status. */
export const statusDetailsTrailer = "grpc-status-details-bin";

/** What a client sees for errors we do not know: the cause is logged, never sent. */
export const internalErrorMessage = "internal error";

/**
 * Turns anything a handler throws into the ConnectError the client gets. This is the one mapping
 * both ports use: the Connect port sends the ConnectError as is, the gRPC port converts it with
 * `toGrpcStatus`. Unknown errors become INTERNAL with a generic message; the original stays in
 * `cause` so the call log can show it.
 */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ApiError) {
    const violations = err.causes.map(fieldViolation);
    const details = violations.length
      ? [{ desc: BadRequestSchema, value: { fieldViolations: violations } }]
      : undefined;
    return new ConnectError(err.message, err.code as Code, undefined, details, err);
  }
  if (err instanceof ConnectError) return err;
  if (err instanceof Error && err.name === "AbortError") {
    // A handler gave up because its signal fired without a more specific reason: the client left.
    return new ConnectError("the call was cancelled", Code.Canceled, undefined, undefined, err);
  }
  return new ConnectError(internalErrorMessage, Code.Internal, undefined, undefined, err);
}

/** The gRPC status for an error: code, message, and the rich details as `grpc-status-details-bin`. */
export function toGrpcStatus(err: unknown): StatusObject {
  const ce = toConnectError(err);
  const metadata = new Metadata();
  if (ce.details.length > 0) {
    const status = create(StatusSchema, {
      code: ce.code,
      message: ce.rawMessage,
      details: ce.details.map(toAny),
    });
    metadata.set(statusDetailsTrailer, Buffer.from(toBinary(StatusSchema, status)));
  }
  // Connect codes are the gRPC codes (Connect just has no name for OK).
  return { code: ce.code as number, details: ce.rawMessage, metadata };
}

/** google.rpc.BadRequest.FieldViolation for one apimachinery FieldError. */
function fieldViolation(e: FieldError): { field: string; description: string } {
  // formatFieldError reads "path: Invalid value: ..."; the path already is the `field`.
  const text = formatFieldError(e);
  const prefix = `${e.path}: `;
  return { field: e.path, description: text.startsWith(prefix) ? text.slice(prefix.length) : text };
}

function toAny(detail: ConnectError["details"][number]): Any {
  if ("desc" in detail) return anyPack(detail.desc, create(detail.desc, detail.value));
  return create(AnySchema, { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value });
}

const codeNames: Record<number, string> = {
  0: "OK",
  1: "Canceled",
  2: "Unknown",
  3: "InvalidArgument",
  4: "DeadlineExceeded",
  5: "NotFound",
  6: "AlreadyExists",
  7: "PermissionDenied",
  8: "ResourceExhausted",
  9: "FailedPrecondition",
  10: "Aborted",
  11: "OutOfRange",
  12: "Unimplemented",
  13: "Internal",
  14: "Unavailable",
  15: "DataLoss",
  16: "Unauthenticated",
};

/**
 * The name of a gRPC code as Go's codes.Code spells it ("InvalidArgument"). Metrics use these so
 * dashboards written for go-grpc-prometheus work unchanged.
 */
export function codeName(code: number): string {
  return codeNames[code] ?? `Code(${code})`;
}
