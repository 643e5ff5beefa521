/**
 * Test support: an ironcore-net on free ports with a silent logger, a gRPC client to it, and
 * object builders. Only imported by tests.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { ResourceClient } from "@ironcore-ts/client";
import type { Store } from "@ironcore-ts/store";
import { pino } from "pino";
import { apinetApiVersion, apinetRefs } from "./apinet.js";
import type { IronCoreNetConfig } from "./config.js";
import { type IronCoreNetOptions, type RunningIronCoreNet, startIronCoreNet } from "./server.js";

export async function startTestNet(
  config: Partial<IronCoreNetConfig> = {},
  options: Omit<IronCoreNetOptions, "config"> & { store?: Store } = {},
): Promise<{ net: RunningIronCoreNet; client: ResourceClient }> {
  const net = await startIronCoreNet({
    grpcPort: 0,
    httpPort: 0,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    ...options,
    config,
  });
  return { net, client: new ResourceClient(net.grpcAddress) };
}

export function network(name: string, spec: Record<string, unknown> = {}): ApiObject {
  return { apiVersion: apinetApiVersion, kind: "Network", metadata: { name }, spec };
}

export function publicIP(name: string, spec: Record<string, unknown>): ApiObject {
  return { apiVersion: apinetApiVersion, kind: "IP", metadata: { name }, spec: { type: "Public", ...spec } };
}

export function nic(name: string, networkName: string, spec: Record<string, unknown> = {}): ApiObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "NetworkInterface",
    metadata: { name },
    spec: { nodeRef: { name: "local.node1" }, networkRef: { name: networkName }, ...spec },
  };
}

/** Every kind the server serves, for "nothing left behind" checks. */
export const allKinds = Object.values(apinetRefs);

export async function countAll(client: ResourceClient): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const ref of allKinds) {
    const n = (await client.list(ref)).items.length;
    if (n > 0) counts[ref.kind] = n;
  }
  return counts;
}

/** The spec of an object, typed loosely for assertions. */
export function specOf(obj: ApiObject): Record<string, unknown> & {
  id?: string;
  ip?: string;
  claimRef?: { uid?: string; name?: string } | null;
} {
  return (obj.spec ?? {}) as Record<string, unknown>;
}
