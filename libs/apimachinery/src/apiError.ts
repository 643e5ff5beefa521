import type { FieldError } from "./fieldError.js";
import { formatFieldErrors } from "./fieldError.js";

/** Why a request failed, in the Kubernetes vocabulary; each reason has one gRPC status code. */
export type ApiErrorReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "FailedPrecondition"
  | "Expired"
  | "ResourceExhausted"
  | "Forbidden"
  | "Unavailable"
  | "InternalError";

/** gRPC status codes (google.rpc.Code), spelled out so this library needs no gRPC dependency. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const codeOfReason: Record<ApiErrorReason, number> = {
  NotFound: GrpcCode.NOT_FOUND,
  AlreadyExists: GrpcCode.ALREADY_EXISTS,
  Conflict: GrpcCode.ABORTED,
  Invalid: GrpcCode.INVALID_ARGUMENT,
  BadRequest: GrpcCode.INVALID_ARGUMENT,
  FailedPrecondition: GrpcCode.FAILED_PRECONDITION,
  // A watch asked for history that was compacted away: the client must relist (Kubernetes: 410 Gone).
  Expired: GrpcCode.OUT_OF_RANGE,
  ResourceExhausted: GrpcCode.RESOURCE_EXHAUSTED,
  Forbidden: GrpcCode.PERMISSION_DENIED,
  Unavailable: GrpcCode.UNAVAILABLE,
  InternalError: GrpcCode.INTERNAL,
};

const reasonOfCode = new Map<number, ApiErrorReason>([
  [GrpcCode.NOT_FOUND, "NotFound"],
  [GrpcCode.ALREADY_EXISTS, "AlreadyExists"],
  [GrpcCode.ABORTED, "Conflict"],
  [GrpcCode.INVALID_ARGUMENT, "Invalid"],
  [GrpcCode.FAILED_PRECONDITION, "FailedPrecondition"],
  [GrpcCode.OUT_OF_RANGE, "Expired"],
  [GrpcCode.RESOURCE_EXHAUSTED, "ResourceExhausted"],
  [GrpcCode.PERMISSION_DENIED, "Forbidden"],
  [GrpcCode.UNAVAILABLE, "Unavailable"],
]);

/** An error a client is meant to see: it carries its reason, gRPC code and, if invalid, every bad field. */
export class ApiError extends Error {
  readonly reason: ApiErrorReason;
  readonly causes: readonly FieldError[];

  constructor(reason: ApiErrorReason, message: string, causes: readonly FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.reason = reason;
    this.causes = causes;
  }

  get code(): number {
    return codeOfReason[this.reason];
  }

  /** Rebuilds an ApiError on the client side from a gRPC code and message. */
  static fromCode(code: number, message: string, causes: readonly FieldError[] = []): ApiError {
    return new ApiError(reasonOfCode.get(code) ?? "InternalError", message, causes);
  }
}

/** A resource kind and name as they appear in error messages: `Network.networking.ironcore.dev "foo"`. */
export interface ErrorSubject {
  kind: string;
  group: string;
  name: string;
}

function subject(s: ErrorSubject): string {
  return `${s.kind}${s.group ? `.${s.group}` : ""} "${s.name}"`;
}

export const errors = {
  notFound: (s: ErrorSubject) => new ApiError("NotFound", `${subject(s)} not found`),
  alreadyExists: (s: ErrorSubject) => new ApiError("AlreadyExists", `${subject(s)} already exists`),
  conflict: (s: ErrorSubject, why: string) =>
    new ApiError(
      "Conflict",
      `Operation cannot be fulfilled on ${subject(s)}: ${why}; please apply your changes to the latest version and try again`,
    ),
  invalid: (s: ErrorSubject, causes: readonly FieldError[]) =>
    new ApiError("Invalid", `${subject(s)} is invalid: ${formatFieldErrors(causes)}`, causes),
  badRequest: (message: string, causes: readonly FieldError[] = []) =>
    new ApiError("BadRequest", message, causes),
  failedPrecondition: (message: string) => new ApiError("FailedPrecondition", message),
  expired: (message: string) => new ApiError("Expired", message),
  exhausted: (message: string) => new ApiError("ResourceExhausted", message),
  internal: (message: string) => new ApiError("InternalError", message),
  unavailable: (message: string) => new ApiError("Unavailable", message),
};

export function isApiError(err: unknown, reason?: ApiErrorReason): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.reason === reason);
}
