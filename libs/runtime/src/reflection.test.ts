// A reflection client the way grpcurl works: it knows only the reflection protocol (loaded with
// proto-loader from @grpc/reflection's own .proto files), none of our generated code, and calls
// services from the descriptors the server sends.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  create,
  createFileRegistry,
  type DescMethod,
  type DescMethodUnary,
  fromBinary,
  fromJson,
  toJson,
} from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { loadSync, type ServiceDefinition } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoImpl, EchoService } from "./echoFixture.js";
import { createLogger } from "./logger.js";
import { type RunningService, startService } from "./startService.js";

const reflectionProtoDir = join(
  dirname(createRequire(import.meta.url).resolve("@grpc/reflection")),
  "..",
  "proto",
);
const reflectionPkg = loadSync(
  ["grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"],
  {
    includeDirs: [reflectionProtoDir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  },
);

interface ReflectionResponse {
  message_response: string;
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** One reflection stream; ask() sends a request and waits for its answer. */
function reflectionStream(port: number, version: "v1" | "v1alpha") {
  const def = reflectionPkg[`grpc.reflection.${version}.ServerReflection`] as ServiceDefinition;
  const method = def.ServerReflectionInfo!;
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
  const waiting: ((r: ReflectionResponse) => void)[] = [];
  call.on("data", (r: ReflectionResponse) => waiting.shift()?.(r));
  call.on("error", () => {});
  return {
    ask: (req: Record<string, unknown>) =>
      new Promise<ReflectionResponse>((resolve) => {
        waiting.push(resolve);
        call.write({ host: "", ...req });
      }),
    async files(req: Record<string, unknown>): Promise<FileDescriptorProto[]> {
      const res = await this.ask(req);
      expect(res.message_response, JSON.stringify(res.error_response)).toBe("file_descriptor_response");
      return res.file_descriptor_response!.file_descriptor_proto.map((b) =>
        fromBinary(FileDescriptorProtoSchema, b),
      );
    },
    close() {
      call.end();
      client.close();
    },
  };
}

/** Every fully-qualified type a file defines (".pkg.Msg", ".pkg.Msg.Nested", ".pkg.Enum"). */
function definedTypes(file: FileDescriptorProto): Set<string> {
  const out = new Set<string>();
  const prefix = file.package ? `.${file.package}` : "";
  const walk = (msgs: DescriptorProto[], scope: string) => {
    for (const m of msgs) {
      out.add(`${scope}.${m.name}`);
      for (const e of m.enumType) out.add(`${scope}.${m.name}.${e.name}`);
      walk(m.nestedType, `${scope}.${m.name}`);
    }
  };
  for (const e of file.enumType) out.add(`${prefix}.${e.name}`);
  walk(file.messageType, prefix);
  return out;
}

/**
 * What strict clients (Python grpcio, protoc) demand: every type a file uses is defined in the
 * file itself or in a file it lists in `dependency`, and every listed dependency was sent.
 */
function expectCompleteDependencies(files: FileDescriptorProto[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const file of files) {
    const visible = definedTypes(file);
    for (const dep of file.dependency) {
      const depFile = byName.get(dep);
      expect(depFile, `${file.name} imports ${dep}, which the server did not send`).toBeDefined();
      for (const t of definedTypes(depFile!)) visible.add(t);
    }
    const used: string[] = [];
    const walk = (msgs: DescriptorProto[]) => {
      for (const m of msgs) {
        for (const f of m.field) if (f.typeName) used.push(f.typeName);
        walk(m.nestedType);
      }
    };
    walk(file.messageType);
    for (const s of file.service) for (const m of s.method) used.push(m.inputType, m.outputType);
    for (const t of used) {
      expect(visible.has(t), `${file.name} uses ${t} without defining or importing it`).toBe(true);
    }
  }
}

/** A registry from reflected files, in any order (protobuf-es wants imports first). */
function registryOf(files: FileDescriptorProto[]) {
  const ordered: FileDescriptorProto[] = [];
  const pending = [...files];
  while (pending.length > 0) {
    const i = pending.findIndex((f) => f.dependency.every((d) => ordered.some((o) => o.name === d)));
    expect(i, `unresolvable imports among ${pending.map((f) => f.name)}`).toBeGreaterThanOrEqual(0);
    ordered.push(...pending.splice(i, 1));
  }
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}

function unaryMethod(method: DescMethod | undefined): DescMethodUnary {
  if (!isUnary(method)) throw new Error(`${method} is not a unary method`);
  return method;
}

function isUnary(method: DescMethod | undefined): method is DescMethodUnary {
  return method?.methodKind === "unary";
}

describe("server reflection", () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({
      name: "reflection-test",
      logger: createLogger("reflection-test", { level: "silent" }),
      grpc: { host: "127.0.0.1", port: 0 },
      http: { host: "127.0.0.1", port: 0 },
      services: [{ service: EchoService, impl: createEchoImpl().impl }],
    });
  });
  afterAll(() => svc.stop());

  for (const version of ["v1", "v1alpha"] as const) {
    it(`lists the services, health and reflection included (${version})`, async () => {
      const s = reflectionStream(svc.grpcPort, version);
      const res = await s.ask({ list_services: "*" });
      s.close();
      expect(res.list_services_response?.service.map((x) => x.name).sort()).toEqual([
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "ironcore.testing.v1.EchoService",
      ]);
    });

    it(`sends a service's file with its imports, dependency lists intact (${version})`, async () => {
      const s = reflectionStream(svc.grpcPort, version);
      const files = await s.files({ file_containing_symbol: "ironcore.testing.v1.EchoService" });
      s.close();
      expect(files.map((f) => f.name)).toEqual([
        "ironcore/testing/v1/echo.proto",
        "google/protobuf/timestamp.proto",
      ]);
      expect(files[0]!.dependency).toEqual(["google/protobuf/timestamp.proto"]);
      expectCompleteDependencies(files);
    });
  }

  it("finds files by method, message and file name, sending each import once per stream", async () => {
    const s = reflectionStream(svc.grpcPort, "v1");
    const names = async (req: Record<string, unknown>) => (await s.files(req)).map((f) => f.name);
    expect(await names({ file_containing_symbol: "ironcore.testing.v1.EchoService.Echo" })).toEqual([
      "ironcore/testing/v1/echo.proto",
      "google/protobuf/timestamp.proto",
    ]);
    expect(await names({ file_containing_symbol: "ironcore.testing.v1.CountResponse" })).toEqual([
      "ironcore/testing/v1/echo.proto",
    ]);
    expect(await names({ file_by_filename: "google/protobuf/timestamp.proto" })).toEqual([
      "google/protobuf/timestamp.proto",
    ]);
    s.close();
  });

  it("answers NOT_FOUND (5) for unknown symbols and files", async () => {
    const s = reflectionStream(svc.grpcPort, "v1");
    const bySymbol = await s.ask({ file_containing_symbol: "no.such.Thing" });
    const byFile = await s.ask({ file_by_filename: "no/such.proto" });
    s.close();
    expect(bySymbol.error_response?.error_code).toBe(5);
    expect(byFile.error_response?.error_code).toBe(5);
  });

  it("gives every listed service complete descriptors, enough to call it dynamically", async () => {
    const s = reflectionStream(svc.grpcPort, "v1");
    const listed = (await s.ask({ list_services: "" })).list_services_response!.service.map((x) => x.name);
    const files: FileDescriptorProto[] = [];
    for (const name of listed) files.push(...(await s.files({ file_containing_symbol: name })));
    s.close();
    expectCompleteDependencies(files);
    const registry = registryOf(files);
    for (const name of listed) expect(registry.getService(name), name).toBeDefined();

    const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${svc.grpcPort}` });
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
