import { fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { errors } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { BadRequestSchema, StatusSchema } from "./generatedProtos.js";
import { codeName, statusDetailsTrailer, toConnectError, toGrpcStatus } from "./grpcErrors.js";

const subject = { kind: "Network", group: "networking.ironcore.dev", name: "n1" };

describe("toGrpcStatus", () => {
  it("maps ApiError reasons to their gRPC codes, without details when there are no causes", () => {
    const st = toGrpcStatus(errors.notFound(subject));
    expect(st).toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'Network.networking.ironcore.dev "n1" not found',
    });
    expect(st.metadata.get(statusDetailsTrailer)).toEqual([]);
    expect(toGrpcStatus(errors.conflict(subject, "stale")).code).toBe(grpc.status.ABORTED);
    expect(toGrpcStatus(errors.exhausted("no IPs left")).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("puts every cause of an invalid ApiError into a google.rpc.Status with BadRequest", () => {
    const err = errors.invalid(subject, [
      { path: "spec.ips[0]", type: "Invalid", value: "10.0.0.300", detail: "not an IP" },
      { path: "spec.networkRef.name", type: "Required" },
    ]);
    const st = toGrpcStatus(err);
    expect(st.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [raw] = st.metadata.get(statusDetailsTrailer);
    const status = fromBinary(StatusSchema, raw as Buffer);
    expect([status.code, status.message]).toEqual([3, err.message]);
    expect(status.details[0]?.typeUrl).toBe("type.googleapis.com/google.rpc.BadRequest");
    const bad = anyUnpack(status.details[0]!, BadRequestSchema);
    expect(bad?.fieldViolations.map((v) => [v.field, v.description])).toEqual([
      ["spec.ips[0]", 'Invalid value: "10.0.0.300": not an IP'],
      ["spec.networkRef.name", "Required value"],
    ]);
  });

  it("keeps ConnectError codes and details, and hides unknown errors", () => {
    const ce = new ConnectError("slow down", Code.ResourceExhausted, undefined, [
      { desc: BadRequestSchema, value: { fieldViolations: [{ field: "a", description: "b" }] } },
    ]);
    const st = toGrpcStatus(ce);
    expect(st).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: "slow down" });
    expect(st.metadata.get(statusDetailsTrailer)).toHaveLength(1);
    expect(toGrpcStatus(new TypeError("x is undefined"))).toMatchObject({
      code: grpc.status.INTERNAL,
      details: "internal error",
    });
    expect(toConnectError(new DOMException("aborted", "AbortError")).code).toBe(Code.Canceled);
  });
});

describe("codeName", () => {
  it("spells codes the way go-grpc-prometheus labels them", () => {
    expect([0, 3, 5, 13, 14].map(codeName)).toEqual([
      "OK",
      "InvalidArgument",
      "NotFound",
      "Internal",
      "Unavailable",
    ]);
  });
});
