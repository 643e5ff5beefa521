import { ApiError, type ApiObject, GrpcCode, isApiError } from "@ironcore-ts/apimachinery";
import { NetworkSchema } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { NetworkInterfaceSchema } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import { MemoryStore } from "@ironcore-ts/store";
import { eventually } from "@ironcore-ts/testing";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiServer } from "./apiServer.js";
import type { KindDefinition } from "./kindDefinition.js";
import { lastAppliedAnnotation, type ResourceApi } from "./resourceApi.js";

const group = "networking.ironcore.dev";
const networkKind: KindDefinition = {
  group,
  version: "v1alpha1",
  kind: "Network",
  plural: "networks",
  singular: "network",
  namespaced: true,
  hasStatus: true,
  schema: NetworkSchema,
  rules: {
    validate: (obj) =>
      (obj.metadata.name ?? "").includes("_")
        ? [{ path: "metadata.name", type: "Invalid", value: obj.metadata.name, detail: "no underscores" }]
        : [],
  },
};
const nicKind: KindDefinition = {
  group,
  version: "v1alpha1",
  kind: "NetworkInterface",
  plural: "networkinterfaces",
  singular: "networkinterface",
  namespaced: true,
  hasStatus: true,
  schema: NetworkInterfaceSchema,
};

function network(name: string, extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: `${group}/v1alpha1`, kind: "Network", metadata: { name }, spec: {}, ...extra };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("ResourceApi", () => {
  let store: MemoryStore;
  let server: ApiServer;
  let networks: ResourceApi;
  let nics: ResourceApi;

  beforeEach(async () => {
    store = new MemoryStore();
    server = new ApiServer({ store, kinds: [networkKind, nicKind], logger: pino({ level: "silent" }) });
    await server.start();
    networks = server.api("Network");
    nics = server.api("NetworkInterface");
  });

  afterEach(async () => {
    server.stop();
    await store.close();
  });

  it("fills system metadata on create and defaults the namespace", async () => {
    const created = await networks.create(network("a", { status: { state: "Available" } }));
    expect(created.metadata).toMatchObject({ name: "a", namespace: "default", generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/Z$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    // Status belongs to controllers: a create cannot set it.
    expect(created.status).toBeUndefined();
    expect(await networks.get("default", "a")).toEqual(created);
  });

  it("generates names from generateName", async () => {
    const created = await networks.create(network("", { metadata: { generateName: "net-" } }));
    expect(created.metadata.name).toMatch(/^net-[a-z0-9]{5}$/);
  });

  it("refuses duplicates and reports missing objects with their kind", async () => {
    await networks.create(network("a"));
    const dup = await rejection(networks.create(network("a")));
    expect(dup.code).toBe(GrpcCode.ALREADY_EXISTS);
    expect(dup.message).toBe('Network.networking.ironcore.dev "a" already exists');
    const missing = await rejection(networks.get("default", "b"));
    expect(missing.code).toBe(GrpcCode.NOT_FOUND);
  });

  it("reports every unknown field with its path and stores nothing", async () => {
    const err = await rejection(
      (async () =>
        networks.create(
          networks.normalize({
            ...network("a"),
            spec: { peerings: [{ name: "p", bogus: 1 }], extra: true },
            top: 1,
          }),
        ))(),
    );
    expect(err.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(err.causes.map((c) => c.path).sort()).toEqual(["spec.extra", "spec.peerings[0].bogus", "top"]);
    expect((await networks.list()).items).toHaveLength(0);
  });

  it("runs the kind's validation and changes nothing on failure", async () => {
    const err = await rejection(networks.create(network("bad_name")));
    expect(err.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(err.message).toContain("metadata.name");
    expect((await networks.list()).items).toHaveLength(0);
  });

  it("keeps status on update and bumps generation only for spec changes", async () => {
    const created = await networks.create(network("a"));
    const withStatus = await networks.updateStatus({ ...created, status: { state: "Available" } });
    expect(withStatus.metadata.generation).toBe(1);
    const relabelled = await networks.update({
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { a: "b" } },
      status: { state: "Error" },
    });
    expect(relabelled.status).toEqual({ state: "Available" });
    expect(relabelled.metadata.generation).toBe(1);
    const respecced = await networks.update({ ...relabelled, spec: { providerID: "x" } });
    expect(respecced.metadata.generation).toBe(2);
    const statusOnly = await networks.updateStatus({
      ...respecced,
      spec: { providerID: "y" },
      status: { state: "Pending" },
    });
    expect(statusOnly.spec).toEqual({ providerID: "x" });
  });

  it("rejects an update from a stale version with ABORTED", async () => {
    const created = await networks.create(network("a"));
    await networks.update({ ...created, metadata: { ...created.metadata, labels: { x: "1" } } });
    const err = await rejection(
      networks.update({ ...created, metadata: { ...created.metadata, labels: { x: "2" } } }),
    );
    expect(err.code).toBe(GrpcCode.ABORTED);
    expect((await networks.get("default", "a")).metadata.labels).toEqual({ x: "1" });
  });

  it("does not write when nothing changed", async () => {
    const created = await networks.create(network("a"));
    const again = await networks.update(created);
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it("merges JSON merge patches, null removing a field", async () => {
    await networks.create(network("a", { metadata: { name: "a", labels: { x: "1", y: "2" } } }));
    const patched = await networks.patch("default", "a", { metadata: { labels: { x: null, z: "3" } } });
    expect(patched.metadata.labels).toEqual({ y: "2", z: "3" });
  });

  it("applies like kubectl: creates, keeps controller-owned fields, drops fields the user removed", async () => {
    const doc = network("a", {
      metadata: { name: "a", labels: { app: "x" } },
      spec: { peerings: [{ name: "p1", networkRef: { name: "b" } }] },
    });
    const created = await networks.apply(doc);
    expect(created.metadata.annotations?.[lastAppliedAnnotation]).toBeDefined();
    await networks.patch("default", "a", { spec: { providerID: "ironcore-net://default/a/200/u" } });
    const reapplied = await networks.apply(network("a", { metadata: { name: "a" }, spec: {} }));
    expect(reapplied.spec).toEqual({ providerID: "ironcore-net://default/a/200/u" });
    expect(reapplied.metadata.labels).toBeUndefined();
    const unchanged = await networks.apply(network("a", { metadata: { name: "a" }, spec: {} }));
    expect(unchanged.metadata.resourceVersion).toBe(reapplied.metadata.resourceVersion);
  });

  it("deletes in two steps when finalizers are present", async () => {
    await networks.create(network("a", { metadata: { name: "a", finalizers: ["example.com/keep"] } }));
    const deleting = await networks.delete("default", "a");
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect((await networks.get("default", "a")).metadata.deletionTimestamp).toBeDefined();
    const err = await rejection(
      networks.patch("default", "a", { metadata: { finalizers: ["example.com/keep", "example.com/new"] } }),
    );
    expect(err.code).toBe(GrpcCode.INVALID_ARGUMENT);
    await networks.patch("default", "a", { metadata: { finalizers: null } });
    const gone = await rejection(networks.get("default", "a"));
    expect(gone.code).toBe(GrpcCode.NOT_FOUND);
  });

  it("collects dependents of a deleted owner, and orphans them on request", async () => {
    const owner = await networks.create(network("owner"));
    const ownerRef = {
      apiVersion: owner.apiVersion!,
      kind: "Network",
      name: "owner",
      uid: owner.metadata.uid!,
      controller: true,
    };
    const nic = (name: string) => ({
      apiVersion: `${group}/v1alpha1`,
      kind: "NetworkInterface",
      metadata: { name, ownerReferences: [ownerRef] },
      spec: { networkRef: { name: "owner" }, ipFamilies: ["IPv4"], ips: [{ value: "10.0.0.1" }] },
    });
    await nics.create(nic("child"));
    await networks.delete("default", "owner");
    await eventually(async () =>
      expect(isApiError(await nics.get("default", "child").catch((e) => e), "NotFound")).toBe(true),
    );

    const owner2 = await networks.create(network("owner"));
    ownerRef.uid = owner2.metadata.uid!;
    await nics.create(nic("kept"));
    await eventually(() =>
      expect(server.garbageCollector.dependentsOf(owner2.metadata.uid!)).toHaveLength(1),
    );
    await networks.delete("default", "owner", { propagationPolicy: "Orphan" });
    await server.garbageCollector.idle();
    const kept = await nics.get("default", "kept");
    expect(kept.metadata.ownerReferences ?? []).toEqual([]);
  });

  it("collects at start-up the dependents whose owner went while it was down", async () => {
    server.stop();
    await nics.create({
      apiVersion: `${group}/v1alpha1`,
      kind: "NetworkInterface",
      metadata: {
        name: "stray",
        ownerReferences: [
          { apiVersion: `${group}/v1alpha1`, kind: "Network", name: "gone", uid: "0000", controller: true },
        ],
      },
      spec: { networkRef: { name: "gone" }, ipFamilies: ["IPv4"], ips: [{ value: "10.0.0.9" }] },
    });
    const restarted = new ApiServer({
      store,
      kinds: [networkKind, nicKind],
      logger: pino({ level: "silent" }),
    });
    await restarted.start();
    await eventually(async () =>
      expect(isApiError(await nics.get("default", "stray").catch((e) => e), "NotFound")).toBe(true),
    );
    restarted.stop();
  });

  it("lists by namespace and label selector, and watches from a version", async () => {
    await networks.create(network("a", { metadata: { name: "a", labels: { tier: "web" } } }));
    await networks.create(
      network("b", { metadata: { name: "b", namespace: "other", labels: { tier: "db" } } }),
    );
    expect((await networks.list({ namespace: "other" })).items.map((n) => n.metadata.name)).toEqual(["b"]);
    expect(
      (await networks.list({ labelSelector: "tier in (web)" })).items.map((n) => n.metadata.name),
    ).toEqual(["a"]);
    const from = (await networks.list()).resourceVersion;
    const abort = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const ev of networks.watch({
        resourceVersion: from,
        labelSelector: "tier=web",
        signal: abort.signal,
      })) {
        seen.push(`${ev.type} ${ev.object.metadata.name}`);
        if (seen.length === 2) abort.abort();
      }
    })();
    await networks.create(network("c", { metadata: { name: "c", labels: { tier: "db" } } }));
    await networks.create(network("d", { metadata: { name: "d", labels: { tier: "web" } } }));
    await networks.delete("default", "d");
    await watching;
    expect(seen).toEqual(["ADDED d", "DELETED d"]);
  });
});
