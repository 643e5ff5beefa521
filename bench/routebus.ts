/**
 * Route bus benchmark: 10 subscribers (each on its own connection) subscribed to one VNI, one
 * origin announces 10,000 routes. Per route: time from the announce() call until every subscriber
 * has it installed (its onAdd ran). Runs against NATS JetStream (NATS_URL or 127.0.0.1:4222) and
 * the in-process MemoryRouteBus for comparison.
 *
 *   node --import tsx bench/routebus.ts [--target nats|memory|both] [--routes 10000]
 *                                       [--subscribers 10] [--window 16] [--threads workers|single]
 *
 * NATS: by default each subscriber runs in its own worker thread (own event loop and connection),
 * as each would be its own host; timestamps are wall-clock with sub-millisecond resolution, shared
 * by the threads. `--threads single` runs them all in this thread. Memory: always this thread (the
 * in-process bus cannot span threads). `cpuUsPerRoute` is the CPU time of the whole process (all
 * threads) per route: unlike the latencies, it does not grow when the machine is busy.
 *
 * The origin keeps at most --window routes in flight (announced, not yet installed everywhere): a
 * closed loop, so the latency is that of a busy bus, not of a queue this script builds up.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

process.env.ROUTEBUS_LOG_LEVEL ??= "error";

const { deleteNatsRouteBus, MemoryRouteBus, MemoryRouteHub, NatsRouteBus } = await import(
  "@ironcore-ts/routebus"
);
type Route = import("@ironcore-ts/routebus").Route;
type StoreRouteBus = import("@ironcore-ts/routebus").StoreRouteBus;

const vni = 4242;

/** Wall clock in ms with sub-ms resolution, comparable across worker threads. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

interface SubscriberConfig {
  servers: string;
  namespace: string;
  origin: string;
}

type SubscriberMessage = { type: "ready" } | { type: "installed"; prefixes: string[]; at: number[] };

/** A NATS subscriber in a worker: reports every install with its time, closes on "stop". */
async function runSubscriberWorker(config: SubscriberConfig): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const bus = new NatsRouteBus({
    origin: config.origin,
    servers: config.servers,
    namespace: config.namespace,
  });
  let prefixes: string[] = [];
  let at: number[] = [];
  let scheduled = false;
  bus.onAdd((r) => {
    prefixes.push(r.destination.prefix);
    at.push(now());
    // Reports are batched per turn of the event loop; the times are taken at install.
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        port.postMessage({ type: "installed", prefixes, at } satisfies SubscriberMessage);
        prefixes = [];
        at = [];
      });
    }
  });
  await bus.connect();
  await bus.subscribe(vni);
  port.postMessage({ type: "ready" } satisfies SubscriberMessage);
  await new Promise<void>((resolve) => port.once("message", () => resolve()));
  await bus.close();
  port.close();
}

interface Result {
  bench: "routebus";
  target: string;
  routes: number;
  subscribers: number;
  window: number;
  totalMs: number;
  routesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  threads: string;
  cpuUsPerRoute: number;
}

function route(i: number): Route {
  return {
    vni,
    destination: { ipVersion: 4, prefix: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` },
    nextHop: { targetAddress: "fd00:be::1", targetVni: 0, type: "STANDARD" },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Announces with a closed-loop window; `installed(prefix, at)` must be fed by the subscribers. */
class Driver {
  private readonly startedAt = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  readonly latencies: number[] = [];
  private inFlight = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly subscribers: number,
    private readonly window: number,
  ) {}

  installed(prefix: string, at: number): void {
    const count = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, count);
    if (count !== this.subscribers) return;
    this.latencies.push(at - (this.startedAt.get(prefix) ?? Number.NaN));
    this.inFlight--;
    this.wake?.();
  }

  async run(origin: StoreRouteBus, routes: number): Promise<number> {
    const t0 = now();
    for (let i = 0; i < routes; i++) {
      while (this.inFlight >= this.window) await this.sleep();
      const r = route(i);
      this.startedAt.set(r.destination.prefix, now());
      this.inFlight++;
      origin.announce(r).catch((err: unknown) => console.error("announce failed", err));
    }
    while (this.latencies.length < routes) await this.sleep();
    return now() - t0;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}

function result(
  target: string,
  driver: Driver,
  run: { totalMs: number; cpuMicros: number; threads: string },
  routes: number,
  subscribers: number,
  window: number,
): Result {
  const { totalMs } = run;
  const latencies = [...driver.latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    bench: "routebus",
    target,
    routes,
    subscribers,
    window,
    totalMs: round(totalMs),
    routesPerSecond: Math.round((routes / totalMs) * 1000),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    threads: run.threads,
    cpuUsPerRoute: Math.round(run.cpuMicros / routes),
  };
}

/** Process CPU (all threads) spent while `fn` runs. */
async function measured(fn: () => Promise<number>): Promise<{ totalMs: number; cpuMicros: number }> {
  const before = process.cpuUsage();
  const totalMs = await fn();
  const used = process.cpuUsage(before);
  return { totalMs, cpuMicros: used.user + used.system };
}

async function runNats(
  servers: string,
  routes: number,
  subscribers: number,
  window: number,
  threads: string,
): Promise<Result> {
  const namespace = `bench-${process.pid}-${Date.now().toString(36)}`;
  if (threads === "single") return runNatsSingle(servers, namespace, routes, subscribers, window);
  const driver = new Driver(subscribers, window);
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: subscribers }, (_, i) => {
        // Module hooks (tsx) are per thread and --import is not applied to workers on Node 20:
        // register tsx first, then load this file as the worker.
        const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
          .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(bootstrap, {
          eval: true,
          workerData: { servers, namespace, origin: `bench-sub-${i}` } satisfies SubscriberConfig,
        });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.once("error", reject);
          worker.on("message", (m: SubscriberMessage) => {
            if (m.type === "ready") resolve();
            else
              for (let j = 0; j < m.prefixes.length; j++)
                driver.installed(m.prefixes[j] ?? "", m.at[j] ?? Number.NaN);
          });
        });
      }),
    );
    const origin = new NatsRouteBus({ origin: "bench-origin", servers, namespace });
    await origin.connect();
    const run = await measured(() => driver.run(origin, routes));
    await origin.close();
    return result("nats", driver, { ...run, threads: "workers" }, routes, subscribers, window);
  } finally {
    await Promise.all(
      workers.map((w) => {
        const exited = new Promise((resolve) => w.once("exit", resolve));
        w.postMessage("stop");
        return exited;
      }),
    );
    await deleteNatsRouteBus({ servers, namespace });
  }
}

async function runNatsSingle(
  servers: string,
  namespace: string,
  routes: number,
  subscribers: number,
  window: number,
): Promise<Result> {
  const driver = new Driver(subscribers, window);
  const make = (origin: string) => new NatsRouteBus({ origin, servers, namespace });
  const clients = Array.from({ length: subscribers }, (_, i) => make(`bench-sub-${i}`));
  const origin = make("bench-origin");
  try {
    for (const c of clients) c.onAdd((r) => driver.installed(r.destination.prefix, now()));
    await Promise.all([origin, ...clients].map((c) => c.connect()));
    await Promise.all(clients.map((c) => c.subscribe(vni)));
    const run = await measured(() => driver.run(origin, routes));
    return result("nats", driver, { ...run, threads: "single" }, routes, subscribers, window);
  } finally {
    await Promise.all([origin, ...clients].map((c) => c.close()));
    await deleteNatsRouteBus({ servers, namespace });
  }
}

async function runMemory(routes: number, subscribers: number, window: number): Promise<Result> {
  const hub = new MemoryRouteHub();
  const driver = new Driver(subscribers, window);
  const clients = Array.from(
    { length: subscribers },
    (_, i) => new MemoryRouteBus({ origin: `bench-sub-${i}`, hub }),
  );
  for (const c of clients) c.onAdd((r) => driver.installed(r.destination.prefix, now()));
  const origin = new MemoryRouteBus({ origin: "bench-origin", hub });
  await Promise.all([origin, ...clients].map((c) => c.connect()));
  await Promise.all(clients.map((c) => c.subscribe(vni)));
  const run = await measured(() => driver.run(origin, routes));
  await Promise.all([origin, ...clients].map((c) => c.close()));
  return result("memory", driver, { ...run, threads: "single" }, routes, subscribers, window);
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
  };
  const target = arg("target", "both");
  const routes = Number(arg("routes", "10000"));
  const subscribers = Number(arg("subscribers", "10"));
  const window = Number(arg("window", "16"));
  const threads = arg("threads", "workers");
  const servers = process.env.NATS_URL ?? "127.0.0.1:4222";

  const results: Result[] = [];
  if (target === "memory" || target === "both") results.push(await runMemory(routes, subscribers, window));
  if (target === "nats" || target === "both")
    results.push(await runNats(servers, routes, subscribers, window, threads));

  for (const r of results) console.log(JSON.stringify(r));
  for (const r of results) {
    const verdict = r.p99Ms < 50 ? "meets" : "MISSES";
    console.log(
      `${r.target.padEnd(6)} ${r.routes} routes -> ${r.subscribers} subscribers (window ${r.window}, ` +
        `${r.threads} thread${r.threads === "workers" ? "s" : ""}): p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ` +
        `max ${r.maxMs} ms, total ${(r.totalMs / 1000).toFixed(2)} s (${r.routesPerSecond} routes/s, ` +
        `${r.cpuUsPerRoute} us CPU per route); ${verdict} the p99 < 50 ms target`,
    );
  }
}

// Last, so every class and function above is initialised before either role starts.
if (isMainThread) await main();
else await runSubscriberWorker(workerData as SubscriberConfig);
