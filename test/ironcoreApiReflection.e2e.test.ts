// ironcore-api as grpcurl (or any other reflection-driven client) sees it. This file deliberately
// imports nothing from @ironcore-ts/gen: every message and service it uses comes from the
// descriptors the server sent over reflection.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type DescMethodUnary,
  type DescService,
  fromJson,
  type JsonObject,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type RunningIronCoreApi, startIronCoreApi } from "@ironcore-ts/ironcore-api";
import { createLogger } from "@ironcore-ts/runtime";
import {
  dependencyProblems,
  reflectionSession,
  registryFromReflection,
  seedExamplesDir,
} from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const networkYaml = join(seedExamplesDir(), "network.yaml");

const typedServices = [
  "ironcore.compute.v1alpha1.MachineClassService",
  "ironcore.compute.v1alpha1.MachinePoolService",
  "ironcore.compute.v1alpha1.MachineService",
  "ironcore.ipam.v1alpha1.PrefixService",
  "ironcore.networking.v1alpha1.LoadBalancerRoutingService",
  "ironcore.networking.v1alpha1.LoadBalancerService",
  "ironcore.networking.v1alpha1.NATGatewayService",
  "ironcore.networking.v1alpha1.NetworkInterfaceService",
  "ironcore.networking.v1alpha1.NetworkPolicyService",
  "ironcore.networking.v1alpha1.NetworkService",
  "ironcore.networking.v1alpha1.VirtualIPService",
];

function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A reflected service whose listed methods are checked to be unary, so a Connect client types them. */
function withUnaryMethods<const K extends string>(
  service: DescService | undefined,
  localNames: readonly K[],
): DescService & { method: Record<K, DescMethodUnary> } {
  if (!service) throw new Error("service not in the reflected registry");
  for (const name of localNames) {
    const kind = service.method[name]?.methodKind;
    if (kind !== "unary") throw new Error(`${service.typeName}.${name} is ${kind ?? "missing"}, not unary`);
  }
  return service as DescService & { method: Record<K, DescMethodUnary> };
}

describe("ironcore-api reflection (e2e)", () => {
  let api: RunningIronCoreApi;

  beforeAll(async () => {
    api = await startIronCoreApi({
      grpcPort: 0,
      httpPort: 0,
      logger: createLogger("ironcore-api", { level: "silent" }),
    });
  });
  afterAll(() => api?.stop());

  for (const version of ["v1", "v1alpha"] as const) {
    it(`lists every typed service, ResourceService, health and reflection (${version})`, async () => {
      const session = reflectionSession(api.grpcAddress, version);
      const services = await session.listServices().finally(() => session.close());
      expect(services).toEqual(
        expect.arrayContaining([
          ...typedServices,
          "ironcore.api.v1.ResourceService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection",
        ]),
      );
      expect(new Set(services).size, "each service listed once").toBe(services.length);
    });
  }

  for (const service of [
    "ironcore.networking.v1alpha1.NetworkService",
    "ironcore.networking.v1alpha1.NetworkInterfaceService",
  ]) {
    it(`sends ${service} with dependency lists strict clients accept`, async () => {
      const session = reflectionSession(api.grpcAddress, "v1");
      const files = await session.fileContainingSymbol(service).finally(() => session.close());
      const byName = new Map(files.map((f) => [f.name, f]));

      expect(dependencyProblems(files)).toEqual([]);
      // The case proto-loader-based reflection gets wrong: meta.proto uses Timestamp and Struct.
      expect(byName.get("ironcore/meta/v1/meta.proto")?.dependency).toEqual(
        expect.arrayContaining(["google/protobuf/timestamp.proto", "google/protobuf/struct.proto"]),
      );
      expect([...byName.keys()]).toEqual(
        expect.arrayContaining([
          "ironcore/meta/v1/meta.proto",
          "google/protobuf/timestamp.proto",
          "google/protobuf/struct.proto",
        ]),
      );
    });
  }

  it("gives every listed service a complete set of files (v1alpha)", async () => {
    const session = reflectionSession(api.grpcAddress, "v1alpha");
    try {
      for (const service of await session.listServices()) {
        // One stream sends each file once; a fresh stream per service gives each its full closure.
        const own = reflectionSession(api.grpcAddress, "v1alpha");
        const files: FileDescriptorProto[] = await own
          .fileContainingSymbol(service)
          .finally(() => own.close());
        expect(dependencyProblems(files), service).toEqual([]);
      }
    } finally {
      session.close();
    }
  });

  it("creates the seed Network from its YAML and reads it back, using only reflected descriptors", async () => {
    const doc: unknown = parse(await readFile(networkYaml, "utf8"));
    if (!isJsonObject(doc)) throw new Error(`${networkYaml} is not a YAML mapping`);
    const metadata = doc.metadata;
    const name = isJsonObject(metadata) ? metadata.name : undefined;
    expect(name).toBe("network-sample");

    const registry = await registryFromReflection(
      api.grpcAddress,
      "ironcore.networking.v1alpha1.NetworkService",
    );
    const networkDesc = registry.getMessage("ironcore.networking.v1alpha1.Network");
    if (!networkDesc) throw new Error("Network is not in the reflected registry");
    const service = withUnaryMethods(registry.getService("ironcore.networking.v1alpha1.NetworkService"), [
      "create",
      "get",
    ]);
    const networks = createClient(service, createGrpcTransport({ baseUrl: `http://${api.grpcAddress}` }));

    const created = toJson(networkDesc, await networks.create(fromJson(networkDesc, doc)));
    const got = toJson(
      networkDesc,
      await networks.get(fromJson(service.method.get.input, { namespace: "default", name: String(name) })),
    );

    expect(got).toMatchObject({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "Network",
      metadata: { name: "network-sample", namespace: "default" },
    });
    expect(readSpec(got)).toEqual(doc.spec);
    expect(readSpec(created)).toEqual(doc.spec);
    // The same object (controllers may have written to it since, e.g. a finalizer).
    expect(readMeta(got, "uid")).toBe(readMeta(created, "uid"));
  });
});

function readSpec(obj: JsonValue): JsonValue | undefined {
  return isJsonObject(obj) ? obj.spec : undefined;
}

function readMeta(obj: JsonValue, field: string): JsonValue | undefined {
  const meta = isJsonObject(obj) ? obj.metadata : undefined;
  const value = isJsonObject(meta) ? meta[field] : undefined;
  expect(value, `metadata.${field}`).toBeTruthy();
  return value;
}
