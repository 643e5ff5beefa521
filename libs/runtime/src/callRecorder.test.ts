import { Writable } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createCallRecorder } from "./callRecorder.js";
import { EchoService } from "./echoFixture.js";
import { toConnectError } from "./grpcErrors.js";
import { createLogger } from "./logger.js";
import { grpcMetrics } from "./metrics.js";

function setup() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("t", {
    format: "json",
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    }),
  });
  const registry = new Registry();
  return { lines, registry, recorder: createCallRecorder(logger, grpcMetrics(registry)) };
}

describe("createCallRecorder", () => {
  it("logs each call at debug with method, code and duration, and counts it", async () => {
    const { lines, registry, recorder } = setup();
    recorder.start(EchoService.method.echo, "grpc")(0);
    expect(lines[0]).toMatchObject({
      level: 20,
      method: "/ironcore.testing.v1.EchoService/Echo",
      protocol: "grpc",
      code: "OK",
    });
    expect(typeof lines[0]!.ms).toBe("number");
    const metrics = await registry.metrics();
    expect(metrics).toContain(
      'grpc_server_handled_total{grpc_type="unary",grpc_service="ironcore.testing.v1.EchoService",grpc_method="Echo",grpc_code="OK"} 1',
    );
    expect(metrics).toContain('grpc_server_handling_seconds_count{grpc_type="unary"');
  });

  it("logs client errors at warn and server faults at error, with the hidden cause", () => {
    const { lines, recorder } = setup();
    const denied = new ConnectError("no", Code.PermissionDenied);
    recorder.start(EchoService.method.count, "connect")(denied.code, denied);
    const internal = toConnectError(new Error("db password is hunter2"));
    recorder.start(EchoService.method.echo, "grpc")(internal.code, internal);
    expect(lines[0]).toMatchObject({ level: 40, code: "PermissionDenied", error: "no" });
    expect(lines[1]).toMatchObject({
      level: 50,
      code: "Internal",
      err: { message: "db password is hunter2" },
    });
    expect((lines[1]!.err as { stack: string }).stack).toContain("Error: db password is hunter2");
  });

  it("records a call once, whatever ends it first", async () => {
    const { registry, recorder } = setup();
    const end = recorder.start(EchoService.method.count, "grpc");
    end(0);
    end(Code.Canceled);
    expect(await registry.metrics()).not.toContain('grpc_code="Canceled"');
  });
});
