// Server reflection as grpcurl sees it: the client (@ironcore-ts/testing's reflection client) knows
// only the reflection protocol, none of our generated code, and calls services from the
// descriptors the server sends.
import { type DescMethod, type DescMethodUnary, fromJson, toJson } from "@bufbuild/protobuf";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  dependencyProblems,
  ReflectionError,
  type ReflectionSession,
  reflectionSession,
  registryOfFiles,
} from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoImpl, EchoService } from "./echoFixture.js";
import { createLogger } from "./logger.js";
import { type RunningService, startService } from "./startService.js";

function unaryMethod(method: DescMethod | undefined): DescMethodUnary {
  if (!isUnary(method)) throw new Error(`${method} is not a unary method`);
  return method;
}

function isUnary(method: DescMethod | undefined): method is DescMethodUnary {
  return method?.methodKind === "unary";
}

/** The error a reflection request was answered with (fails the test if it succeeded). */
async function reflectionErrorOf(request: Promise<unknown>): Promise<ReflectionError> {
  const err = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReflectionError);
  return err as ReflectionError;
}

describe("server reflection", () => {
  let svc: RunningService;
  let address: string;

  beforeAll(async () => {
    svc = await startService({
      name: "reflection-test",
      logger: createLogger("reflection-test", { level: "silent" }),
      grpc: { host: "127.0.0.1", port: 0 },
      http: { host: "127.0.0.1", port: 0 },
      services: [{ service: EchoService, impl: createEchoImpl().impl }],
    });
    address = `127.0.0.1:${svc.grpcPort}`;
  });
  afterAll(() => svc.stop());

  for (const version of ["v1", "v1alpha"] as const) {
    it(`lists the services, health and reflection included (${version})`, async () => {
      const s = reflectionSession(address, version);
      const services = await s.listServices();
      s.close();
      expect(services.sort()).toEqual([
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "ironcore.testing.v1.EchoService",
      ]);
    });

    it(`sends a service's file with its imports, dependency lists intact (${version})`, async () => {
      const s = reflectionSession(address, version);
      const files = await s.fileContainingSymbol("ironcore.testing.v1.EchoService");
      s.close();
      expect(files.map((f) => f.name)).toEqual([
        "ironcore/testing/v1/echo.proto",
        "google/protobuf/timestamp.proto",
      ]);
      expect(files[0]!.dependency).toEqual(["google/protobuf/timestamp.proto"]);
      expect(dependencyProblems(files)).toEqual([]);
    });
  }

  it("finds files by method, message and file name, sending each import once per stream", async () => {
    const s: ReflectionSession = reflectionSession(address, "v1");
    const names = (files: FileDescriptorProto[]) => files.map((f) => f.name);
    expect(names(await s.fileContainingSymbol("ironcore.testing.v1.EchoService.Echo"))).toEqual([
      "ironcore/testing/v1/echo.proto",
      "google/protobuf/timestamp.proto",
    ]);
    expect(names(await s.fileContainingSymbol("ironcore.testing.v1.CountResponse"))).toEqual([
      "ironcore/testing/v1/echo.proto",
    ]);
    expect(names(await s.fileByFilename("google/protobuf/timestamp.proto"))).toEqual([
      "google/protobuf/timestamp.proto",
    ]);
    s.close();
  });

  it("answers NOT_FOUND (5) for unknown symbols and files", async () => {
    const s = reflectionSession(address, "v1");
    const bySymbol = await reflectionErrorOf(s.fileContainingSymbol("no.such.Thing"));
    const byFile = await reflectionErrorOf(s.fileByFilename("no/such.proto"));
    s.close();
    expect(bySymbol.code).toBe(5);
    expect(byFile.code).toBe(5);
  });

  it("gives every listed service complete descriptors, enough to call it dynamically", async () => {
    const s = reflectionSession(address, "v1");
    const listed = await s.listServices();
    const files: FileDescriptorProto[] = [];
    for (const name of listed) files.push(...(await s.fileContainingSymbol(name)));
    s.close();
    expect(dependencyProblems(files)).toEqual([]);
    const registry = registryOfFiles(files);
    for (const name of listed) expect(registry.getService(name), name).toBeDefined();

    const transport = createGrpcTransport({ baseUrl: `http://${address}` });
    const echo = unaryMethod(registry.getService("ironcore.testing.v1.EchoService")?.methods[0]);
    const req = fromJson(echo.input, { text: "dynamic", at: "2024-05-06T07:08:09Z" });
    const res = await transport.unary(echo, undefined, undefined, undefined, req);
    expect(toJson(echo.output, res.message)).toEqual({ text: "dynamic", at: "2024-05-06T07:08:09Z" });

    const check = unaryMethod(
      registry.getService("grpc.health.v1.Health")?.methods.find((m) => m.name === "Check"),
    );
    const health = await transport.unary(check, undefined, undefined, undefined, fromJson(check.input, {}));
    expect(toJson(check.output, health.message)).toEqual({ status: "SERVING" });
  });
});
