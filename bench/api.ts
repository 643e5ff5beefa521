/**
 * ironcore-api throughput and latency with the Redis store: creates/s and gets/s at 64
 * concurrent clients (one HTTP/2 connection per client, like 64 processes would have), p50/p99
 * of each, and watch event delivery latency (create sent -> event received on a watch stream).
 *
 * The server runs in its own process (services/ironcore-api/src/main.ts) on free ports with a
 * fresh key prefix, so the numbers include real gRPC and Redis round trips.
 *
 *   node --import tsx bench/api.ts [--objects 20000] [--concurrency 64] [--watch-events 2000]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { GetRequestSchema, WatchRequestSchema } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import {
  type Network,
  type NetworkEvent,
  NetworkSchema,
  NetworkService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { grpcServiceDefinition } from "@ironcore-ts/runtime";
import { freePort } from "@ironcore-ts/testing";
import { Redis } from "ioredis";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    objects: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    "watch-events": { type: "string", default: "2000" },
    // Run ironcore-api's controllers during the bench (they react to every Network created).
    controllers: { type: "boolean", default: false },
    // Write a CPU profile of the server process to this directory.
    "cpu-prof": { type: "string" },
  },
});
const objects = Number(values.objects);
const concurrency = Number(values.concurrency);
const watchEvents = Number(values["watch-events"]);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const keyPrefix = `bench-api-${Date.now()}:`;

type Unary<Req, Res> = (
  req: Req,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;
interface NetworkClient extends grpc.Client {
  create: Unary<Network, Network>;
  get: Unary<ReturnType<typeof create<typeof GetRequestSchema>>, Network>;
  watch(req: ReturnType<typeof create<typeof WatchRequestSchema>>): grpc.ClientReadableStream<NetworkEvent>;
}
const NetworkClientCtor = grpc.makeGenericClientConstructor(
  grpcServiceDefinition(NetworkService),
  "NetworkService",
);

function call<Req, Res>(fn: Unary<Req, Res>, self: grpc.Client, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(self, req, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    opsPerSec: Math.round(latencies.length / seconds),
    p50ms: Number(percentile(sorted, 50).toFixed(2)),
    p99ms: Number(percentile(sorted, 99).toFixed(2)),
  };
}

async function startServer(): Promise<{ child: ChildProcess; address: string }> {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "services/ironcore-api/src/main.ts")],
    {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        IRONCORE_API_KEY_PREFIX: keyPrefix,
        IRONCORE_API_HOST: "127.0.0.1",
        IRONCORE_API_PORT: String(grpcPort),
        IRONCORE_API_HTTP_PORT: String(httpPort),
        LOG_LEVEL: "warn",
        IRONCORE_API_CONTROLLERS: String(values.controllers),
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const address = `127.0.0.1:${grpcPort}`;
  const probe = new NetworkClientCtor(address, grpc.credentials.createInsecure());
  await new Promise<void>((resolve, reject) =>
    probe.waitForReady(Date.now() + 60_000, (err) => (err ? reject(err) : resolve())),
  );
  probe.close();
  return { child, address };
}

async function runPool<T>(
  count: number,
  clients: NetworkClient[],
  op: (client: NetworkClient, i: number) => Promise<T>,
) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t0 = performance.now();
        await op(client, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

const network = (i: number) =>
  create(NetworkSchema, {
    apiVersion: "networking.ironcore.dev/v1alpha1",
    kind: "Network",
    metadata: { name: `bench-${i}`, namespace: "default", labels: { bench: "api" } },
    spec: { peerings: [{ name: "p", networkRef: { name: `bench-${i + 1}` } }] },
  });

async function main(): Promise<void> {
  const { child, address } = await startServer();
  try {
    const clients = Array.from(
      { length: concurrency },
      () =>
        new NetworkClientCtor(address, grpc.credentials.createInsecure(), {
          // One connection per client: the bench models 64 independent clients.
          "grpc.use_local_subchannel_pool": 1,
        }) as unknown as NetworkClient,
    );
    // Warm-up: connections, JIT, Redis scripts.
    await runPool(500, clients, (c, i) => call(c.create, c, network(objects + 1000 + i)));

    const creates = await runPool(objects, clients, (c, i) => call(c.create, c, network(i)));
    const gets = await runPool(objects * 2, clients, (c, i) =>
      call(c.get, c, create(GetRequestSchema, { namespace: "default", name: `bench-${i % objects}` })),
    );

    // Watch delivery: one watcher, objects created one at a time (no queueing), time from the
    // create being sent until the watcher sees the event.
    const watcher = clients[0]!;
    const sentAt = new Map<string, number>();
    const delivery: number[] = [];
    const stream = watcher.watch(create(WatchRequestSchema, { namespace: "watch", resourceVersion: "0" }));
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    stream.on("data", (ev: NetworkEvent) => {
      const name = ev.object?.metadata?.name ?? "";
      const t = sentAt.get(name);
      if (t !== undefined && ev.type === "ADDED") {
        delivery.push(performance.now() - t);
        if (delivery.length === watchEvents) resolveDone();
      }
    });
    stream.on("error", () => {});
    await new Promise((r) => setTimeout(r, 300));
    const writer = clients[1]!;
    for (let i = 0; i < watchEvents; i++) {
      const msg = network(i);
      msg.metadata!.namespace = "watch";
      sentAt.set(msg.metadata!.name, performance.now());
      await call(writer.create, writer, msg);
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    stream.cancel();
    const sortedDelivery = [...delivery].sort((a, b) => a - b);

    const result = {
      bench: "ironcore-api",
      store: "redis",
      controllers: values.controllers,
      concurrency,
      objects,
      create: summary(creates.latencies, creates.seconds),
      get: summary(gets.latencies, gets.seconds),
      watchDelivery: {
        events: delivery.length,
        p50ms: Number(percentile(sortedDelivery, 50).toFixed(2)),
        p99ms: Number(percentile(sortedDelivery, 99).toFixed(2)),
      },
    };
    console.log(JSON.stringify(result));
    console.log(
      `creates: ${result.create.opsPerSec}/s (p50 ${result.create.p50ms} ms, p99 ${result.create.p99ms} ms)  ` +
        `gets: ${result.get.opsPerSec}/s (p50 ${result.get.p50ms} ms, p99 ${result.get.p99ms} ms)  ` +
        `watch delivery: p50 ${result.watchDelivery.p50ms} ms, p99 ${result.watchDelivery.p99ms} ms (${delivery.length} events)`,
    );
    for (const c of clients) c.close();
  } finally {
    child.kill("SIGTERM");
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

await main();
