/**
 * `npm start`: the local supervisor. Starts every service as its own process on loopback, like
 * docker compose would, with readable logs prefixed by service name, and stops them all on
 * Ctrl-C. Redis is used when REDIS_URL is set or Redis answers on 127.0.0.1:6379; otherwise
 * each service keeps its objects in memory (and says so).
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

interface ServiceSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Ports that must answer before the service counts as up. */
  ports: number[];
  summary: string;
}

function portAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function redisUrl(): Promise<string | undefined> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  return (await portAnswers(6379)) ? "redis://127.0.0.1:6379" : undefined;
}

const colors = [36, 35, 33, 32, 34, 31, 96, 95];
const useColor = process.stdout.isTTY;

function prefix(name: string, i: number): string {
  const label = name.padEnd(14);
  return useColor ? `\x1b[${colors[i % colors.length]}m${label}\x1b[0m| ` : `${label}| `;
}

function startChild(spec: ServiceSpec, i: number): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, spec.entry)], {
    cwd: root,
    env: { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? "pretty", ...spec.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) =>
      process.stdout.write(`${prefix(spec.name, i)}${line}\n`),
    );
  }
  return child;
}

async function waitForPorts(ports: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await portAnswers(port))) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return true;
}

async function natsUrl(): Promise<string | undefined> {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  return (await portAnswers(4222)) ? "nats://127.0.0.1:4222" : undefined;
}

async function main(): Promise<void> {
  const redis = await redisUrl();
  const nats = await natsUrl();
  const busEnv: Record<string, string> = nats
    ? { NATS_URL: nats, METALBOND_BUS: "nats" }
    : { METALBOND_BUS: "memory" };
  const storeText = redis
    ? `Redis at ${redis}`
    : "in-memory store (no Redis found: set REDIS_URL to use one)";
  const storeEnv: Record<string, string> = redis ? { REDIS_URL: redis } : { IRONCORE_STORE: "memory" };
  const services: ServiceSpec[] = [
    {
      name: "ironcore-api",
      entry: "services/ironcore-api/src/main.ts",
      env: { ...storeEnv },
      ports: [7443, 7080],
      summary: "gRPC 127.0.0.1:7443 · Connect/HTTP 127.0.0.1:7080 (/metrics, /healthz)",
    },
    {
      name: "ironcore-net",
      entry: "services/ironcore-net/src/main.ts",
      env: { ...storeEnv },
      ports: [7444, 7081],
      summary: "gRPC 127.0.0.1:7444 · Connect/HTTP 127.0.0.1:7081",
    },
    {
      name: "apinetlet",
      entry: "services/apinetlet/src/main.ts",
      // Redis, when there is one, carries its leader lease (safe to run replicas).
      env: redis ? { REDIS_URL: redis } : {},
      ports: [7450, 7451],
      summary: "ironcore-api -> ironcore-net · health/metrics on HTTP 127.0.0.1:7451",
    },
    {
      name: "metalbond",
      entry: "services/metalbond/src/main.ts",
      env: { ...busEnv },
      ports: [4711, 4712],
      summary: `gRPC 127.0.0.1:4711 · HTTP 127.0.0.1:4712 (/routes.json) on ${nats ? `NATS ${nats}` : "the in-process bus (no NATS found)"}`,
    },
    ...[1, 2].map((node) => ({
      name: `dpservice-${node}`,
      entry: "services/dpservice/src/main.ts",
      env: {
        DPSERVICE_NODE_NAME: `node${node}`,
        DPSERVICE_GRPC_PORT: String(1336 + node),
        DPSERVICE_HTTP_PORT: String(1379 + node),
        DPSERVICE_UNDERLAY_PREFIX: `fc00:${node}::/64`,
        // Both nodes share this host: each its own fabric port, the other as its peer.
        DPSERVICE_FABRIC_PORT: String(4789 + node),
        DPSERVICE_FABRIC_PEERS: `fc00:${3 - node}::/64=127.0.0.1:${4789 + (3 - node)}`,
      },
      ports: [1336 + node, 1379 + node],
      summary: `dpdkironcore.v1 gRPC 127.0.0.1:${1336 + node} · HTTP 127.0.0.1:${1379 + node} (node${node}, underlay fc00:${node}::/64)`,
    })),
  ];

  process.stdout.write(`ironcore-ts: starting ${services.length} service(s) with ${storeText}\n`);
  const children = services.map((s, i) => ({ spec: s, child: startChild(s, i) }));
  let stopping = false;

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("ironcore-ts: stopping...\n");
    for (const { child } of children) if (child.exitCode === null) child.kill("SIGTERM");
    const force = setTimeout(() => {
      for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
    }, 8_000);
    force.unref();
    void Promise.all(
      children.map(
        ({ child }) => new Promise((r) => (child.exitCode !== null ? r(0) : child.once("exit", r))),
      ),
    ).then(() => process.exit(code));
  };

  for (const { spec, child } of children) {
    child.once("exit", (code, signal) => {
      if (stopping) return;
      process.stdout.write(`ironcore-ts: ${spec.name} exited (${signal ?? code}); stopping the rest\n`);
      stopAll(1);
    });
  }
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));

  const started = Date.now();
  const ready = await waitForPorts(
    services.flatMap((s) => s.ports),
    60_000,
  );
  if (!ready) {
    process.stdout.write("ironcore-ts: services did not come up within 60 s\n");
    stopAll(1);
    return;
  }
  const lines = services.map((s) => `  ${s.name.padEnd(14)} ${s.summary}`);
  process.stdout.write(
    [
      `ironcore-ts: up in ${((Date.now() - started) / 1000).toFixed(1)} s (${storeText})`,
      ...lines,
      "  try: pnpm ironcorectl apply -f ../shared/seed-examples/ && pnpm ironcorectl get networks",
      "       grpcurl -plaintext 127.0.0.1:7443 list",
      "  Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

void main();
