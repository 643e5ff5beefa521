/**
 * Crash safety: apinetlet runs as its own process (src/main.ts, configured by environment like
 * in production), is killed with SIGKILL in the middle of creating 200 Networks and 200
 * VirtualIPs, and started again. It must converge to the same state it would have reached
 * without the crash: exactly one apinet Network / IP per ironcore object, distinct VNIs and
 * addresses, and no leaked claims in ironcore-net.
 *
 * With Redis (REDIS_URL, or one on localhost) both API servers keep their objects in Redis and
 * the apinetlet processes elect a leader on a Redis lease: the second one has to take over the
 * lease the killed one never released.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { parseNetworkProviderID } from "@ironcore-ts/ironcore-net/providerId";
import { eventually, redisService } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApinetIPObject,
  type ApinetNetworkObject,
  apinetApiVersion,
  apinetRefs,
  ironcoreRefs,
  type NetworkObject,
  type VirtualIPObject,
} from "./kinds.js";
import { originOf } from "./originMetadata.js";
import { type Environment, elapsedMs, startEnvironment, testNamespace } from "./testEnvironment.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const ns = "restart";
const count = 200;

let env: Environment;
let redisUrl: string | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redisUrl = (await redisService())?.url;
  env = await startEnvironment({ redisUrl, apinetlet: false, publicPrefixes: ["198.18.0.0/22"] });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await env?.stop();
});

function startChild(leaseKeyNamespace: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "services/apinetlet/src/main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      IRONCORE_API: env.api.grpcAddress,
      IRONCORE_NET: env.net.grpcAddress,
      APINETLET_NAMESPACE: leaseKeyNamespace,
      APINETLET_HOST: "127.0.0.1",
      APINETLET_GRPC_PORT: "0",
      APINETLET_HTTP_PORT: "0",
      APINETLET_LEASE_TTL: "2s",
      REDIS_URL: redisUrl ?? "",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
      LOG_FORMAT: "json",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
  return child;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function progress() {
  const nets = (await env.ironcore.list<NetworkObject>(ironcoreRefs.Network, { namespace: ns })).items;
  const vips = (await env.ironcore.list<VirtualIPObject>(ironcoreRefs.VirtualIP, { namespace: ns })).items;
  return {
    networksDone: nets.filter((n) => n.status?.state === "Available" && n.spec?.providerID).length,
    vipsDone: vips.filter((v) => v.status?.ip).length,
    nets,
    vips,
  };
}

describe("apinetlet killed mid-way", () => {
  it("converges after a restart with one apinet object per ironcore object", async () => {
    // The lease key is per apinet namespace; the test namespace is shared by every apinetlet
    // test, so this one gets its own apinet namespace (and lease).
    const apinetNamespace = `${testNamespace}-restart`;
    const first = startChild(apinetNamespace);
    const start = performance.now();
    const creating = inParallel(
      Array.from({ length: count }, (_, i) => i),
      64,
      async (i) => {
        const name = `obj-${String(i).padStart(3, "0")}`;
        await env.ironcore.create({
          apiVersion: "networking.ironcore.dev/v1alpha1",
          kind: "Network",
          metadata: { namespace: ns, name },
          spec: {},
        });
        await env.ironcore.create({
          apiVersion: "networking.ironcore.dev/v1alpha1",
          kind: "VirtualIP",
          metadata: { namespace: ns, name },
          spec: { type: "Public", ipFamily: "IPv4" },
        });
      },
    );
    // Kill it once it is well under way, but not done.
    const atKill = await eventually(
      async () => {
        const p = await progress();
        expect(p.networksDone + p.vipsDone).toBeGreaterThanOrEqual(40);
        return p;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    console.log(
      `killed apinetlet after ${elapsedMs(start)} ms with ${atKill.networksDone} networks and ${atKill.vipsDone} virtual IPs done`,
    );
    await creating;
    const midway = await progress();
    expect(midway.networksDone + midway.vipsDone).toBeLessThan(2 * count);

    const restartedAt = performance.now();
    startChild(apinetNamespace);
    const done = await eventually(
      async () => {
        const p = await progress();
        expect(p.networksDone).toBe(count);
        expect(p.vipsDone).toBe(count);
        return p;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    console.log(`restarted apinetlet converged after ${elapsedMs(restartedAt)} ms`);

    // Exactly one apinet Network per ironcore Network, named by its uid, matching its providerID.
    const apinetNetworks = (
      await env.apinet.list<ApinetNetworkObject>(apinetRefs.Network, { namespace: apinetNamespace })
    ).items;
    expect(apinetNetworks).toHaveLength(count);
    const byName = new Map(apinetNetworks.map((a) => [a.metadata.name, a]));
    for (const net of done.nets) {
      const apinet = byName.get(net.metadata.uid);
      expect(apinet, net.metadata.name).toBeDefined();
      expect(originOf("network", apinet!)).toEqual({
        namespace: ns,
        name: net.metadata.name,
        uid: net.metadata.uid,
      });
      const id = parseNetworkProviderID(net.spec!.providerID!);
      expect(id).toEqual({
        namespace: apinetNamespace,
        name: net.metadata.uid,
        id: apinet!.spec?.id,
        uid: apinet!.metadata.uid,
      });
    }
    expect(new Set(apinetNetworks.map((a) => a.spec?.id)).size).toBe(count);

    // Exactly one apinet IP per VirtualIP, and the address in its status.
    const ips = (await env.apinet.list<ApinetIPObject>(apinetRefs.IP, { namespace: apinetNamespace })).items;
    expect(ips).toHaveLength(count);
    const ipByName = new Map(ips.map((ip) => [ip.metadata.name, ip]));
    for (const vip of done.vips) {
      expect(ipByName.get(vip.metadata.uid)?.spec?.ip, vip.metadata.name).toBe(vip.status?.ip);
    }
    expect(new Set(ips.map((ip) => ip.spec?.ip)).size).toBe(count);

    // No claims leaked in ironcore-net: one NetworkID per network, one IPAddress per IP.
    const claims = async (kind: string) =>
      (await env.apinet.list<ApiObject>({ apiVersion: apinetApiVersion, kind })).items.filter(
        (c) =>
          (c as { spec?: { claimRef?: { namespace?: string } } }).spec?.claimRef?.namespace ===
          apinetNamespace,
      );
    expect(await claims("NetworkID")).toHaveLength(count);
    expect(await claims("IPAddress")).toHaveLength(count);
  }, 240_000);
});
