/**
 * apinetlet end to end: ironcore-api and ironcore-net (both on the Redis store) and apinetlet,
 * each in its own process as deployed, on free ports with fresh Redis key prefixes. Measures
 * the time from starting to create N Networks + N VirtualIPs (64 creates in flight) until every
 * Network is Available with its providerID and every VirtualIP has its status.ip.
 *
 *   node --import tsx bench/apinetlet.ts [N=1000] [--concurrency 64]
 *   BENCH_PROFILE=/tmp/prof node --import tsx bench/apinetlet.ts 400   (CPU profiles of the processes)
 *
 * Target (the issue): 2,000 objects (N = 1000) within 5 s on 2 cores.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { ResourceClient } from "@ironcore-ts/client";
import { freePort } from "@ironcore-ts/testing";
import { Redis } from "ioredis";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: "string", default: "64" } },
});
const n = Number(positionals[0] ?? 1000);
const concurrency = Number(values.concurrency);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = `bench-apinetlet-${Date.now().toString(36)}`;
const prefixes = { api: `${run}:api:`, net: `${run}:net:` };
const apinetNamespace = `${run}`;

const networkRef = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "Network" };
const virtualIPRef = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "VirtualIP" };

interface Status {
  spec?: { providerID?: string };
  status?: { state?: string; ip?: string };
}

const isDone = (kind: string, obj: ApiObject & Status) =>
  kind === "Network"
    ? obj.status?.state === "Available" && Boolean(obj.spec?.providerID)
    : Boolean(obj.status?.ip);

function startProcess(name: string, script: string, env: Record<string, string>): ChildProcess {
  // BENCH_PROFILE=<dir>: a V8 CPU profile of each process goes there (open in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", join(root, script)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.once("exit", (code, signal) => {
    if (!stopping) console.error(`${name} exited early (code ${code}, signal ${signal})`);
  });
  return child;
}

let stopping = false;
const benchStart = performance.now();
/** Progress on stderr, so stdout stays the result. */
const phase = (what: string) => console.error(`[${Math.round(performance.now() - benchStart)} ms] ${what}`);

async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function inParallel(count: number, limit: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await fn(i);
      }
    }),
  );
}

/** Creates `count` Networks and VirtualIPs in `namespace` and resolves once all are done. */
async function createAndWait(client: ResourceClient, namespace: string, count: number, timeoutMs: number) {
  const sentAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  const total = 2 * count;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  const abort = new AbortController();
  const watch = async (ref: { apiVersion: string; kind: string }) => {
    const { resourceVersion } = await client.list(ref, { namespace });
    for await (const ev of client.watch<ApiObject & Status>(ref, {
      namespace,
      resourceVersion,
      signal: abort.signal,
    })) {
      const id = `${ref.kind}/${ev.object.metadata.name}`;
      if (ev.type === "DELETED" || doneAt.has(id) || !isDone(ref.kind, ev.object)) continue;
      doneAt.set(id, performance.now());
      if (doneAt.size === total) resolveAll();
    }
  };
  const watches = [watch(networkRef), watch(virtualIPRef)].map((p) => p.catch(() => {}));
  await new Promise((r) => setTimeout(r, 200)); // watches established
  const start = performance.now();
  await inParallel(total, concurrency, async (i) => {
    const index = Math.floor(i / 2);
    const name = `obj-${index}`;
    const kind = i % 2 === 0 ? "Network" : "VirtualIP";
    sentAt.set(`${kind}/${name}`, performance.now());
    await client.create({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind,
      metadata: { namespace, name },
      spec: kind === "Network" ? {} : { type: "Public", ipFamily: "IPv4" },
    });
  });
  const createdMs = performance.now() - start;
  const timedOut = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs)),
  ]);
  const endMs = performance.now() - start;
  abort.abort();
  await Promise.all(watches);
  const latencies = [...doneAt].map(([id, t]) => t - (sentAt.get(id) ?? start)).sort((a, b) => a - b);
  return { createdMs, endMs, done: doneAt.size, total, timedOut, latencies };
}

async function main(): Promise<void> {
  const [apiGrpc, apiHttp, netGrpc, netHttp, letGrpc, letHttp] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const children = [
    startProcess("ironcore-api", "services/ironcore-api/src/main.ts", {
      REDIS_URL: redisUrl,
      IRONCORE_STORE: "redis",
      IRONCORE_API_KEY_PREFIX: prefixes.api,
      IRONCORE_API_HOST: "127.0.0.1",
      IRONCORE_API_PORT: String(apiGrpc),
      IRONCORE_API_HTTP_PORT: String(apiHttp),
    }),
    startProcess("ironcore-net", "services/ironcore-net/src/main.ts", {
      REDIS_URL: redisUrl,
      IRONCORE_STORE: "redis",
      IRONCORE_NET_KEY_PREFIX: prefixes.net,
      IRONCORE_NET_HOST: "127.0.0.1",
      IRONCORE_NET_PORT: String(netGrpc),
      IRONCORE_NET_HTTP_PORT: String(netHttp),
      // Room for every VirtualIP of the run (and then some).
      IRONCORE_NET_PUBLIC_PREFIXES: "100.64.0.0/12",
    }),
    startProcess("apinetlet", "services/apinetlet/src/main.ts", {
      IRONCORE_API: `127.0.0.1:${apiGrpc}`,
      IRONCORE_NET: `127.0.0.1:${netGrpc}`,
      APINETLET_NAMESPACE: apinetNamespace,
      APINETLET_HOST: "127.0.0.1",
      APINETLET_GRPC_PORT: String(letGrpc),
      APINETLET_HTTP_PORT: String(letHttp),
      REDIS_URL: redisUrl,
    }),
  ];
  const client = new ResourceClient(`127.0.0.1:${apiGrpc}`);
  try {
    await waitFor("ironcore-api", () => client.list(networkRef, { namespace: "none" }));
    await waitFor("ironcore-net", () =>
      new ResourceClient(`127.0.0.1:${netGrpc}`).list({
        apiVersion: "core.apinet.ironcore.dev/v1alpha1",
        kind: "Network",
      }),
    );
    await waitFor("apinetlet", async () => {
      const res = await fetch(`http://127.0.0.1:${letHttp}/readyz`);
      if (!res.ok) throw new Error(`readyz ${res.status}`);
    });
    phase("all three processes ready");
    // Warm-up: connections, JIT, Redis scripts, leader election.
    const warm = await createAndWait(client, "warmup", 20, 60_000);
    if (warm.timedOut) throw new Error(`warm-up did not finish (${warm.done}/${warm.total})`);

    phase("warmed up; measuring");
    const r = await createAndWait(client, "bench", n, 300_000);
    phase("measured");
    const result = {
      bench: "apinetlet",
      store: "redis",
      processes: "ironcore-api, ironcore-net, apinetlet (one each)",
      concurrency,
      networks: n,
      virtualIPs: n,
      objects: r.total,
      done: r.done,
      timedOut: r.timedOut,
      createMs: Math.round(r.createdMs),
      allDoneMs: Math.round(r.endMs),
      objectsPerSec: Math.round(r.done / (r.endMs / 1000)),
      latencyMs: {
        p50: Math.round(percentile(r.latencies, 50)),
        p99: Math.round(percentile(r.latencies, 99)),
        max: Math.round(r.latencies.at(-1) ?? Number.NaN),
      },
    };
    console.log(JSON.stringify(result));
    console.log(
      `apinetlet: ${r.done}/${r.total} objects (${n} Networks Available + ${n} VirtualIPs allocated) in ${result.allDoneMs} ms ` +
        `(creates sent in ${result.createMs} ms; ${result.objectsPerSec} objects/s; per object p50 ${result.latencyMs.p50} ms, ` +
        `p99 ${result.latencyMs.p99} ms)${r.timedOut ? " - TIMED OUT" : ""}; target 2000 objects in 5000 ms`,
    );
  } finally {
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))),
    );
    const redis = new Redis(redisUrl);
    for (const prefix of [prefixes.api, prefixes.net]) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.del(`apinetlet:leader:${apinetNamespace}`);
    redis.disconnect();
    phase("stopped and cleaned up");
  }
}

// The clients' shared HTTP/2 session (with keep-alive pings) would hold the process for minutes.
await main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
