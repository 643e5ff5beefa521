/**
 * Test support for the controller tests: ironcore-api with its controllers on free ports, a
 * client over real gRPC (what users and other services see), object builders, and waits for
 * the controllers to settle.
 */
import { type ApiObject, isApiError } from "@ironcore-ts/apimachinery";
import { ResourceClient } from "@ironcore-ts/client";
import { createLogger } from "@ironcore-ts/runtime";
import type { Store } from "@ironcore-ts/store";
import { eventually } from "@ironcore-ts/testing";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { MachineObject } from "../kinds/machine.js";
import type { MachinePoolObject } from "../kinds/machinePool.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { PrefixObject } from "../kinds/prefix.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import { type RunningIronCoreApi, startIronCoreApi } from "../server.js";
import { refs } from "./refs.js";

export { refs };

export interface TestApi {
  api: RunningIronCoreApi;
  /** A client of the gRPC port. */
  client: ResourceClient;
  stop(): Promise<void>;
}

/** ironcore-api with controllers (set LOG_LEVEL=debug to see what they do). */
export async function startTestApi(options: { store?: Store; controllers?: boolean } = {}): Promise<TestApi> {
  const api = await startIronCoreApi({
    store: options.store,
    grpcPort: 0,
    httpPort: 0,
    controllers: options.controllers,
    logger: createLogger("ironcore-api", { level: process.env.LOG_LEVEL ?? "silent", format: "json" }),
  });
  return { api, client: new ResourceClient(api.grpcAddress), stop: () => api.stop() };
}

/** The object, or undefined when it does not exist. */
export async function find<T extends ApiObject>(
  client: ResourceClient,
  ref: { apiVersion: string; kind: string },
  namespace: string | undefined,
  name: string,
): Promise<T | undefined> {
  try {
    return await client.get<T>(ref, namespace, name);
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

/** Names of a kind's objects in a namespace. */
export async function names(
  client: ResourceClient,
  ref: { apiVersion: string; kind: string },
  namespace: string,
) {
  return (await client.list(ref, { namespace })).items.map((o) => o.metadata.name).sort();
}

/** The store's global version (it moves on every write anywhere). */
export async function storeVersion(client: ResourceClient): Promise<number> {
  return Number((await client.list(refs.Network, { namespace: "x-version-probe" })).resourceVersion);
}

/**
 * Waits until nothing is written for `quietMs`: the controllers have converged (or are stuck,
 * which the caller's assertions then show). Returns the store version they settled at.
 */
export async function settled(client: ResourceClient, quietMs = 300, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await storeVersion(client);
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await storeVersion(client);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error("controllers kept writing; never settled");
  }
}

/** Makes every controller look at every object again (as after a restart), and waits. */
export async function reconcileEverything(test: TestApi): Promise<void> {
  const controllers = test.api.controllers;
  if (!controllers) throw new Error("no controllers running");
  const keys = new Set<string>();
  for (const informer of Object.values(controllers.informers)) {
    for (const key of informer.keys()) keys.add(key);
  }
  for (const c of controllers.controllers) for (const key of keys) c.enqueue(key);
  await eventually(
    () => {
      if (controllers.controllers.some((c) => (c.queue?.length ?? 0) > 0))
        throw new Error("queues not empty");
    },
    { timeoutMs: 5000 },
  );
}

// ---- object builders ---------------------------------------------------------------------

export const ns = "test";

export function network(name: string, peerWith: string[] = [], namespace = ns): NetworkObject {
  return {
    apiVersion: refs.Network.apiVersion,
    kind: refs.Network.kind,
    metadata: { namespace, name },
    spec: {
      peerings: peerWith.length
        ? peerWith.map((peer, i) => ({ name: `peering${i + 1}`, networkRef: { name: peer } }))
        : undefined,
    },
  };
}

export function networkInterface(
  name: string,
  options: { network?: string; ip?: string; labels?: Record<string, string>; namespace?: string } = {},
): NetworkInterfaceObject {
  return {
    apiVersion: refs.NetworkInterface.apiVersion,
    kind: refs.NetworkInterface.kind,
    metadata: { namespace: options.namespace ?? ns, name, labels: options.labels },
    spec: {
      networkRef: { name: options.network ?? "network-sample" },
      ipFamilies: ["IPv4"],
      ips: [{ value: options.ip ?? "10.0.0.1" }],
    },
  };
}

/** A machine with ephemeral NICs; `vip` adds an ephemeral public VIP with that reclaim policy. */
export function machine(
  name: string,
  nics: Array<{ name: string; ip?: string; vip?: "Delete" | "Retain"; labels?: Record<string, string> }>,
  namespace = ns,
): MachineObject {
  return {
    apiVersion: refs.Machine.apiVersion,
    kind: refs.Machine.kind,
    metadata: { namespace, name },
    spec: {
      machineClassRef: { name: "machineclass-sample" },
      networkInterfaces: nics.map((nic) => ({
        name: nic.name,
        ephemeral: {
          networkInterfaceTemplate: {
            metadata: nic.labels ? { labels: nic.labels } : undefined,
            spec: {
              networkRef: { name: "network-sample" },
              ipFamilies: ["IPv4"],
              ips: [{ value: nic.ip ?? "10.0.0.12" }],
              virtualIP: nic.vip
                ? {
                    ephemeral: {
                      virtualIPTemplate: {
                        spec: { type: "Public", ipFamily: "IPv4", reclaimPolicy: nic.vip },
                      },
                    },
                  }
                : undefined,
            },
          },
        },
      })),
    },
  };
}

export function machinePool(
  name: string,
  options: {
    labels?: Record<string, string>;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  } = {},
): MachinePoolObject {
  return {
    apiVersion: refs.MachinePool.apiVersion,
    kind: refs.MachinePool.kind,
    metadata: { name, labels: options.labels },
    spec: { taints: options.taints },
  };
}

/** The status a machinepoollet would report for the pool. */
export function machinePoolStatus(options: {
  allocatable?: Record<string, string>;
  classes?: string[];
  ready?: boolean;
}): MachinePoolObject["status"] {
  return {
    conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True", reason: "Ready" }],
    availableMachineClasses: (options.classes ?? ["machineclass-sample"]).map((name) => ({ name })),
    allocatable: options.allocatable,
  };
}

export function rootPrefix(name: string, prefix: string, labels?: Record<string, string>): PrefixObject {
  return {
    apiVersion: refs.Prefix.apiVersion,
    kind: refs.Prefix.kind,
    metadata: { namespace: ns, name, labels },
    spec: { prefix },
  };
}

export function childPrefix(
  name: string,
  spec: NonNullable<PrefixObject["spec"]>,
  labels?: Record<string, string>,
): PrefixObject {
  return {
    apiVersion: refs.Prefix.apiVersion,
    kind: refs.Prefix.kind,
    metadata: { namespace: ns, name, labels },
    spec,
  };
}

export function loadBalancer(name: string, selector?: Record<string, string>): LoadBalancerObject {
  return {
    apiVersion: refs.LoadBalancer.apiVersion,
    kind: refs.LoadBalancer.kind,
    metadata: { namespace: ns, name },
    spec: {
      type: "Public",
      ipFamilies: ["IPv4"],
      networkRef: { name: "network-sample" },
      networkInterfaceSelector: selector ? { matchLabels: selector } : undefined,
      ports: [{ port: 80 }],
    },
  };
}

export function virtualIP(name: string, target?: { name: string; uid: string }): VirtualIPObject {
  return {
    apiVersion: refs.VirtualIP.apiVersion,
    kind: refs.VirtualIP.kind,
    metadata: { namespace: ns, name },
    spec: { type: "Public", ipFamily: "IPv4", targetRef: target },
  };
}

/** What apinetlet does in production: the network exists in ironcore-net. */
export async function markNetworkAvailable(client: ResourceClient, name: string, namespace = ns) {
  return client.patch<NetworkObject>(
    refs.Network,
    namespace,
    name,
    { status: { state: "Available" } },
    { status: true },
  );
}

/** What apinetlet does in production: the NIC is realised, with these IPs. */
export async function markNicAvailable(client: ResourceClient, name: string, ips: string[], namespace = ns) {
  return client.patch<NetworkInterfaceObject>(
    refs.NetworkInterface,
    namespace,
    name,
    { status: { state: "Available", ips } },
    { status: true },
  );
}
