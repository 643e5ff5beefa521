/**
 * For tests: ironcore-api (with its controllers), ironcore-net and apinetlet in this process,
 * talking over real gRPC on free ports. With `redisUrl`, both API servers keep their objects in
 * Redis under fresh key prefixes; otherwise in memory.
 */
import { createWriteStream } from "node:fs";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { type KindRef, ResourceClient } from "@ironcore-ts/client";
import { type RunningIronCoreApi, startIronCoreApi } from "@ironcore-ts/ironcore-api";
import { type RunningIronCoreNet, startIronCoreNet } from "@ironcore-ts/ironcore-net";
import { createLogger } from "@ironcore-ts/runtime";
import { MemoryStore, RedisStore, type Store } from "@ironcore-ts/store";
import { uniquePrefix } from "@ironcore-ts/testing";
import { type ApinetletOptions, type RunningApinetlet, startApinetlet } from "./apinetlet.js";
import { apinetRefs } from "./kinds.js";

export const testNamespace = "ironcore-net-system";

export interface EnvironmentOptions {
  /** ironcore-net's public prefixes (its defaults unless set). */
  publicPrefixes?: string[];
  redisUrl?: string;
  /** false: do not start apinetlet (the test starts it, e.g. as a child process). */
  apinetlet?: false | Partial<ApinetletOptions>;
}

export interface Environment {
  api: RunningIronCoreApi;
  net: RunningIronCoreNet;
  apinetlet?: RunningApinetlet;
  /** Client of ironcore-api. */
  ironcore: ResourceClient;
  /** Client of ironcore-net. */
  apinet: ResourceClient;
  /** The apinet namespace apinetlet writes into. */
  namespace: string;
  stores: Store[];
  startApinetlet(options?: Partial<ApinetletOptions>): Promise<RunningApinetlet>;
  stop(): Promise<void>;
}

/** Log level of the in-test services: TEST_LOG_LEVEL, or silent; TEST_LOG_FILE appends the lines to a file. */
export function testLogger(name: string) {
  const file = process.env.TEST_LOG_FILE;
  return createLogger(name, {
    level: process.env.TEST_LOG_LEVEL ?? "silent",
    format: "json",
    destination: file ? createWriteStream(file, { flags: "a" }) : undefined,
  });
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const label = Math.random().toString(36).slice(2, 8);
  const store = (service: string): Store =>
    options.redisUrl
      ? new RedisStore({ url: options.redisUrl, keyPrefix: uniquePrefix(`apinetlet-${service}-${label}`) })
      : new MemoryStore();
  const stores = [store("api"), store("net")];
  const api = await startIronCoreApi({
    store: stores[0],
    grpcPort: 0,
    httpPort: 0,
    logger: testLogger("ironcore-api"),
  });
  const net = await startIronCoreNet({
    store: stores[1],
    grpcPort: 0,
    httpPort: 0,
    logger: testLogger("ironcore-net"),
    config: {
      ...(options.publicPrefixes ? { publicPrefixes: options.publicPrefixes } : {}),
      // Claims of creates in flight are young; orphans of a killed process are old. Tests that
      // kill a process want the garbage collectors to act within the test's time.
      claimGracePeriodMs: 2000,
    },
  });
  const apinetlets: RunningApinetlet[] = [];
  const env: Environment = {
    api,
    net,
    ironcore: new ResourceClient(api.grpcAddress),
    apinet: new ResourceClient(net.grpcAddress),
    namespace: testNamespace,
    stores,
    async startApinetlet(extra = {}) {
      const running = await startApinetlet({
        ironcoreApi: api.grpcAddress,
        ironcoreNet: net.grpcAddress,
        namespace: testNamespace,
        grpcPort: 0,
        httpPort: 0,
        host: "127.0.0.1",
        logger: testLogger("apinetlet"),
        ...extra,
      });
      apinetlets.push(running);
      return running;
    },
    async stop() {
      await Promise.all(apinetlets.map((a) => a.stop()));
      await api.stop();
      await net.stop();
      await Promise.all(stores.map((s) => s.close()));
    },
  };
  if (options.apinetlet !== false) env.apinetlet = await env.startApinetlet(options.apinetlet || {});
  return env;
}

/** Every apinet object of the kinds apinetlet writes, in `namespace`, as `Kind/name` strings. */
export async function listApinetObjects(client: ResourceClient, namespace: string): Promise<string[]> {
  const out: string[] = [];
  for (const ref of Object.values(apinetRefs) as KindRef[]) {
    const { items } = await client.list<ApiObject>(ref, { namespace });
    for (const item of items) out.push(`${ref.kind}/${item.metadata.name}`);
  }
  return out.sort();
}

/** Milliseconds since `start`, rounded. */
export function elapsedMs(start: number): number {
  return Math.round(performance.now() - start);
}
