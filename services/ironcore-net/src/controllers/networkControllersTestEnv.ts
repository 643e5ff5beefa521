/**
 * Test harness for the ironcore-net controllers: a real ironcore-net server (kinds, admission,
 * allocators, garbage collector, in-memory store) with the controllers running against its
 * in-process client, plus helpers to create the objects users create and to wait for the
 * controllers to go quiet. Not a test itself (no `.test.ts`).
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import { eventually } from "@ironcore-ts/testing";
import { pino } from "pino";
import { apinetApiVersion, apinetRefs } from "../apinet.js";
import type { IronCoreNetConfig } from "../config.js";
import { type RunningIronCoreNet, startIronCoreNet } from "../server.js";
import { type NetworkInterfaceObject, wireForm } from "./controllerObjects.js";
import { type RunningNetworkControllers, startNetworkControllers } from "./networkControllers.js";

export interface ControllersTestEnv {
  net: RunningIronCoreNet;
  client: ObjectClient;
  controllers: RunningNetworkControllers;
  stop(): Promise<void>;
}

export const testNamespace = "default";

export async function startControllersTestEnv(
  config?: Partial<IronCoreNetConfig>,
): Promise<ControllersTestEnv> {
  // TEST_LOG=debug shows what the controllers do.
  const logger = pino({ level: process.env.TEST_LOG ?? "silent" });
  // The server's own network controllers stay off: the test runs (and awaits) its own instance.
  const net = await startIronCoreNet({ grpcPort: 0, httpPort: 0, logger, config, networkControllers: false });
  const abort = new AbortController();
  const controllers = startNetworkControllers({ client: net.apiServer.client, logger, signal: abort.signal });
  await controllers.synced;
  return {
    net,
    client: net.apiServer.client,
    controllers,
    stop: async () => {
      abort.abort();
      await controllers.done;
      await net.stop();
    },
  };
}

export function list<T extends ApiObject>(client: ObjectClient, ref: KindRef, namespace = testNamespace) {
  return client.list<T>(ref, { namespace }).then((l) => l.items);
}

export function nic(
  name: string,
  ips: string[],
  options: { network?: string; node?: string; publicIPv4?: boolean } = {},
): NetworkInterfaceObject {
  return wireForm({
    apiVersion: apinetApiVersion,
    kind: "NetworkInterface",
    metadata: { namespace: testNamespace, name },
    spec: {
      nodeRef: { name: options.node ?? "partition-a.node-1" },
      networkRef: { name: options.network ?? "net" },
      ips,
      publicIPs: options.publicIPv4 ? [{ name: "public", ipFamily: "IPv4" }] : undefined,
    },
  });
}

/** Creates NICs `<prefix>-000`... with IPv4 addresses 10.<x>.<y>.<z> from `offset` upwards. */
export async function createNICs(
  client: ObjectClient,
  prefix: string,
  count: number,
  options: { network?: string; offset?: number } = {},
): Promise<NetworkInterfaceObject[]> {
  const created: NetworkInterfaceObject[] = [];
  const base = options.offset ?? 0;
  for (let i = 0; i < count; i++) {
    const n = base + i + 1;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    created.push(
      await client.create(nic(`${prefix}-${String(i).padStart(3, "0")}`, [ip], { network: options.network })),
    );
  }
  return created;
}

/**
 * Waits until the controllers have nothing left to do: every work queue empty and the store's
 * version unchanged for a while (no reconcile is still writing).
 */
export async function controllersSettled(env: ControllersTestEnv, quietMs = 300): Promise<void> {
  let lastVersion = "";
  let quietSince = Date.now();
  await eventually(
    async () => {
      const { resourceVersion } = await env.client.list(apinetRefs.Node);
      const idle = env.controllers.controllers.every((c) => (c.queue?.length ?? 0) === 0);
      if (resourceVersion !== lastVersion || !idle) {
        lastVersion = resourceVersion;
        quietSince = Date.now();
      }
      if (Date.now() - quietSince < quietMs) throw new Error("controllers still busy");
    },
    { timeoutMs: 20_000, intervalMs: 20 },
  );
}

/** Every object of these kinds by `kind/namespace/name` -> resourceVersion. */
export async function resourceVersions(
  client: ObjectClient,
  refs: readonly KindRef[],
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const ref of refs) {
    for (const obj of (await client.list(ref)).items) {
      versions.set(
        `${ref.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`,
        obj.metadata.resourceVersion!,
      );
    }
  }
  return versions;
}

/**
 * Reconciles every object the controllers know of once more (as if each had just changed) and
 * waits until they are done: for idempotency checks.
 */
export async function reconcileEverything(env: ControllersTestEnv): Promise<void> {
  const { informers, controllers } = env.controllers;
  const keys = new Set<string>();
  for (const informer of Object.values(informers)) for (const key of informer.keys()) keys.add(key);
  for (const controller of controllers) for (const key of keys) controller.enqueue(key);
  await controllersSettled(env);
}
