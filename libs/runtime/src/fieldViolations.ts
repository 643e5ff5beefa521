import { fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, StatusSchema } from "./generatedProtos.js";
import { statusDetailsTrailer } from "./grpcErrors.js";

/** One offending request field, as google.rpc.BadRequest.FieldViolation carries it. */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * The field violations (google.rpc.BadRequest details) of a failed call, on the client side.
 * Accepts a ConnectError (any Connect transport) or a grpc-js ServiceError (reads the
 * `grpc-status-details-bin` trailer). Anything else, or an error without such details, gives [].
 */
export function fieldViolationsOf(err: unknown): FieldViolation[] {
  if (err instanceof ConnectError) {
    return err.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations.map(plain));
  }
  const metadata = typeof err === "object" && err !== null && "metadata" in err ? err.metadata : undefined;
  if (!isMetadata(metadata)) return [];
  return metadata.get(statusDetailsTrailer).flatMap((raw) => {
    if (typeof raw === "string") return [];
    const status = fromBinary(StatusSchema, raw);
    return status.details.flatMap(
      (any) => anyUnpack(any, BadRequestSchema)?.fieldViolations.map(plain) ?? [],
    );
  });
}

function plain(v: FieldViolation): FieldViolation {
  return { field: v.field, description: v.description };
}

/** The part of grpc-js Metadata we read; duck-typed so a client on another grpc-js copy works too. */
interface MetadataLike {
  get(key: string): (string | Uint8Array)[];
}

function isMetadata(v: unknown): v is MetadataLike {
  return typeof v === "object" && v !== null && "get" in v && typeof v.get === "function";
}
