// Bad input against a running ironcore-api, over real gRPC: the dynamic ResourceService (what
// ironcorectl speaks) and, where noted, the typed NetworkInterfaceService through a plain grpc-js
// client. Each refusal must name every offending field in the message and in the
// google.rpc.BadRequest details, and leave the store as it was.
import { clone, create, fromJson } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { type ApiObject, isApiError } from "@ironcore-ts/apimachinery";
import { type KindRef, ResourceClient } from "@ironcore-ts/client";
import { GetRequestSchema } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import {
  NetworkInterfaceSchema,
  NetworkInterfaceService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import { type RunningIronCoreApi, startIronCoreApi } from "@ironcore-ts/ironcore-api";
import { createLogger, fieldViolationsOf, grpcServiceDefinition } from "@ironcore-ts/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, grpcUnary, isServiceError } from "./support/grpcCalls.js";

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const ABORTED = 10;

const apiVersion = "networking.ironcore.dev/v1alpha1";
const Network: KindRef = { apiVersion, kind: "Network" };
const NetworkInterface: KindRef = { apiVersion, kind: "NetworkInterface" };
const NATGateway: KindRef = { apiVersion, kind: "NATGateway" };
const VirtualIP: KindRef = { apiVersion, kind: "VirtualIP" };
const kinds = [Network, NetworkInterface, NATGateway, VirtualIP];

const nicDefinition = grpcServiceDefinition(NetworkInterfaceService);

function object(kind: KindRef, name: string, spec: Record<string, unknown>): ApiObject {
  return { ...kind, metadata: { name }, spec };
}

function nic(name: string, spec: Record<string, unknown> = {}): ApiObject {
  return object(NetworkInterface, name, {
    networkRef: { name: "network-a" },
    ipFamilies: ["IPv4"],
    ips: [{ value: "10.0.0.1" }],
    ...spec,
  });
}

function natGateway(name: string, spec: Record<string, unknown> = {}): ApiObject {
  return object(NATGateway, name, {
    type: "Public",
    ipFamily: "IPv4",
    networkRef: { name: "network-a" },
    ...spec,
  });
}

/** The error a call failed with; fails the test if it succeeded. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

/** A ResourceClient failure, as the ApiError the client rebuilds from the status. */
async function apiErrorOf(call: Promise<unknown>) {
  const err = await failureOf(call);
  if (!isApiError(err)) throw err;
  return err;
}

async function grpcErrorOf(call: Promise<unknown>): Promise<grpc.ServiceError> {
  const err = await failureOf(call);
  if (!isServiceError(err)) throw err;
  return err;
}

/** INVALID_ARGUMENT naming exactly `paths`, in the message and in the BadRequest details. */
async function expectInvalid(call: Promise<unknown>, paths: string[]): Promise<void> {
  const err = await apiErrorOf(call);
  expect(err.code, err.message).toBe(INVALID_ARGUMENT);
  for (const path of paths) expect(err.message).toContain(path);
  expect(err.causes.map((c) => c.path).sort()).toEqual([...paths].sort());
}

/** The same for a grpc-js ServiceError: code, status message (`details`) and the details trailer. */
async function expectInvalidGrpc(call: Promise<unknown>, paths: string[]): Promise<void> {
  const err = await grpcErrorOf(call);
  expect(err.code, err.details).toBe(INVALID_ARGUMENT);
  for (const path of paths) expect(err.details).toContain(path);
  expect(
    fieldViolationsOf(err)
      .map((v) => v.field)
      .sort(),
  ).toEqual([...paths].sort());
}

describe("ironcore-api bad input (e2e)", () => {
  let api: RunningIronCoreApi;
  let client: ResourceClient;
  let nicGrpc: grpc.Client;

  /** Every object of the kinds under test with its version, and the store's version. */
  async function storeSnapshot() {
    const lists = await Promise.all(kinds.map((k) => client.list(k)));
    return {
      // The store's version moves with every write to any kind: unchanged means nothing was stored.
      resourceVersion: lists[lists.length - 1]?.resourceVersion,
      objects: lists.flatMap((l) =>
        l.items.map(
          (o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`,
        ),
      ),
    };
  }

  /** Runs `refuse` and checks that the store is exactly as before. */
  async function expectNothingStored(refuse: () => Promise<void>): Promise<void> {
    const before = await storeSnapshot();
    await refuse();
    expect(await storeSnapshot()).toEqual(before);
  }

  beforeAll(async () => {
    api = await startIronCoreApi({
      grpcPort: 0,
      httpPort: 0,
      logger: createLogger("ironcore-api", { level: "silent" }),
      // The API rules only: no controller writes in the background, so "nothing was stored"
      // can be checked against the store's version.
      controllers: false,
    });
    client = new ResourceClient(api.grpcAddress);
    nicGrpc = grpcClient(api.grpcAddress);
  });

  afterAll(async () => {
    nicGrpc?.close();
    await api?.stop();
  });

  describe("name format", () => {
    it("refuses a NetworkInterface named BAD_Name (ResourceService)", async () => {
      await expectNothingStored(() => expectInvalid(client.create(nic("BAD_Name")), ["metadata.name"]));
      expect((await apiErrorOf(client.get(NetworkInterface, "default", "BAD_Name"))).code).toBe(NOT_FOUND);
    });

    it("refuses a NetworkInterface named BAD_Name (typed NetworkInterfaceService, grpc-js)", async () => {
      const request = fromJson(NetworkInterfaceSchema, {
        metadata: { name: "BAD_Name" },
        spec: { networkRef: { name: "network-a" }, ipFamilies: ["IPv4"], ips: [{ value: "10.0.0.1" }] },
      });
      await expectNothingStored(() =>
        expectInvalidGrpc(grpcUnary(nicGrpc, nicDefinition, "create", NetworkInterfaceSchema, request), [
          "metadata.name",
        ]),
      );
      const get = create(GetRequestSchema, { namespace: "default", name: "BAD_Name" });
      const missing = await grpcErrorOf(
        grpcUnary(nicGrpc, nicDefinition, "get", NetworkInterfaceSchema, get),
      );
      expect(missing.code).toBe(NOT_FOUND);
    });
  });

  it("refuses an IP literal of another family than its ipFamilies entry", async () => {
    await expectNothingStored(() =>
      expectInvalid(
        client.create(nic("nic-family", { ipFamilies: ["IPv6"], ips: [{ value: "10.0.0.1" }] })),
        ["spec.ips[0].value"],
      ),
    );
    expect((await apiErrorOf(client.get(NetworkInterface, "default", "nic-family"))).code).toBe(NOT_FOUND);
  });

  it("refuses duplicate ipFamilies", async () => {
    await expectNothingStored(() =>
      expectInvalid(
        client.create(
          nic("nic-duplicate", {
            ipFamilies: ["IPv4", "IPv4"],
            ips: [{ value: "10.0.0.1" }, { value: "10.0.0.2" }],
          }),
        ),
        ["spec.ipFamilies[1]"],
      ),
    );
    expect((await apiErrorOf(client.get(NetworkInterface, "default", "nic-duplicate"))).code).toBe(NOT_FOUND);
  });

  describe("immutable fields", () => {
    it("refuses changing a NetworkInterface's spec.networkRef (ResourceService)", async () => {
      const stored = await client.create(nic("nic-immutable"));
      const changed = structuredClone(stored);
      changed.spec = { ...(stored.spec as Record<string, unknown>), networkRef: { name: "network-b" } };

      await expectNothingStored(() => expectInvalid(client.update(changed), ["spec.networkRef"]));
      expect(await client.get(NetworkInterface, "default", "nic-immutable")).toEqual(stored);
    });

    it("refuses changing a NetworkInterface's spec.networkRef (typed NetworkInterfaceService, grpc-js)", async () => {
      const stored = await grpcUnary(
        nicGrpc,
        nicDefinition,
        "create",
        NetworkInterfaceSchema,
        fromJson(NetworkInterfaceSchema, {
          metadata: { name: "nic-immutable-typed" },
          spec: { networkRef: { name: "network-a" }, ipFamilies: ["IPv4"], ips: [{ value: "10.0.0.1" }] },
        }),
      );
      const changed = clone(NetworkInterfaceSchema, stored);
      if (!changed.spec?.networkRef) throw new Error("the created NetworkInterface has no spec.networkRef");
      changed.spec.networkRef.name = "network-b";

      await expectNothingStored(() =>
        expectInvalidGrpc(grpcUnary(nicGrpc, nicDefinition, "update", NetworkInterfaceSchema, changed), [
          "spec.networkRef",
        ]),
      );
      const get = create(GetRequestSchema, { namespace: "default", name: "nic-immutable-typed" });
      const after = await grpcUnary(nicGrpc, nicDefinition, "get", NetworkInterfaceSchema, get);
      expect(after.metadata?.resourceVersion).toBe(stored.metadata?.resourceVersion);
      expect(after.spec?.networkRef?.name).toBe("network-a");
    });

    it("refuses changing a NATGateway's spec.networkRef", async () => {
      const stored = await client.create(natGateway("ngw-immutable"));
      const changed = structuredClone(stored);
      changed.spec = { ...(stored.spec as Record<string, unknown>), networkRef: { name: "network-b" } };

      await expectNothingStored(() => expectInvalid(client.update(changed), ["spec.networkRef"]));
      expect(await client.get(NATGateway, "default", "ngw-immutable")).toEqual(stored);
    });
  });

  it("refuses a NATGateway portsPerNetworkInterface that is not a power of two", async () => {
    await expectNothingStored(() =>
      expectInvalid(client.create(natGateway("ngw-ports", { portsPerNetworkInterface: 100 })), [
        "spec.portsPerNetworkInterface",
      ]),
    );
    expect((await apiErrorOf(client.get(NATGateway, "default", "ngw-ports"))).code).toBe(NOT_FOUND);
  });

  it("refuses a VirtualIP of a type other than Public", async () => {
    await expectNothingStored(() =>
      expectInvalid(client.create(object(VirtualIP, "vip-private", { type: "Private", ipFamily: "IPv4" })), [
        "spec.type",
      ]),
    );
    expect((await apiErrorOf(client.get(VirtualIP, "default", "vip-private"))).code).toBe(NOT_FOUND);
  });

  it("reports every unknown field at once, wherever it is", async () => {
    const doc: ApiObject = {
      ...Network,
      metadata: { name: "net-unknown", nope: true } as ApiObject["metadata"],
      spec: { peerings: [], bogus: "x" },
      extra: 1,
    };
    await expectNothingStored(() =>
      expectInvalid(client.create(doc), ["extra", "metadata.nope", "spec.bogus"]),
    );
    expect((await apiErrorOf(client.get(Network, "default", "net-unknown"))).code).toBe(NOT_FOUND);
  });

  it("lets one of two writers of the same version win; the other gets ABORTED and its change is not stored", async () => {
    await client.create(object(Network, "net-conflict", {}));
    const alice = new ResourceClient(api.grpcAddress);
    const bob = new ResourceClient(api.grpcAddress);
    const aliceCopy = await alice.get(Network, "default", "net-conflict");
    const bobCopy = await bob.get(Network, "default", "net-conflict");
    expect(bobCopy.metadata.resourceVersion).toBe(aliceCopy.metadata.resourceVersion);

    aliceCopy.metadata.labels = { writer: "alice" };
    const won = await alice.update(aliceCopy);
    expect(won.metadata.labels).toEqual({ writer: "alice" });

    bobCopy.metadata.labels = { writer: "bob" };
    const lost = await apiErrorOf(bob.update(bobCopy));
    expect(lost.code, lost.message).toBe(ABORTED);
    expect(lost.message).toContain("net-conflict");

    const stored = await client.get(Network, "default", "net-conflict");
    expect(stored.metadata.labels).toEqual({ writer: "alice" });
    expect(stored.metadata.resourceVersion).toBe(won.metadata.resourceVersion);
  });

  it("refuses to create a name that exists (ALREADY_EXISTS) and keeps the first object", async () => {
    const first = await client.create(object(Network, "net-exists", {}));
    await expectNothingStored(async () => {
      const err = await apiErrorOf(
        client.create(
          object(Network, "net-exists", { peerings: [{ name: "p", networkRef: { name: "other" } }] }),
        ),
      );
      expect(err.code, err.message).toBe(ALREADY_EXISTS);
      expect(err.message).toContain("net-exists");
    });
    expect(await client.get(Network, "default", "net-exists")).toEqual(first);
  });

  it("answers NOT_FOUND for a missing object, naming it", async () => {
    const err = await apiErrorOf(client.get(Network, "default", "no-such-network"));
    expect(err.code, err.message).toBe(NOT_FOUND);
    expect(err.message).toContain("no-such-network");
  });
});
