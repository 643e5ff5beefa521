import { type RunningMetalbond, startMetalbond } from "@ironcore-ts/metalbond";
import { deleteNatsRouteBus, NatsRouteBus } from "@ironcore-ts/routebus";
import { createLogger } from "@ironcore-ts/runtime";
import { freePort, uniquePrefix } from "@ironcore-ts/testing";
import {
  checkStatus,
  type DataplaneClient,
  type DpdkClient,
  dataplaneClient,
  dpdkClient,
  type MetalbondClient,
  metalbondClient,
} from "./clients.js";
import { FabricWire, type WireDatagram } from "./fabricWire.js";
import { RouteAgent } from "./routeAgent.js";
import { ServiceProcess } from "./serviceProcess.js";

export interface DataplaneHarnessOptions {
  /** How many dpservice nodes (node-1, node-2, ...). */
  nodes: number;
  /** NATS with JetStream for the route bus. */
  natsUrl: string;
  /** Route bus namespace; default a fresh one per harness, deleted on stop. */
  namespace?: string;
  /** Keepalive of the route agents and metalbond; default 1000 ms. */
  keepaliveMs?: number;
  /** metalbond as its own process (as deployed; default) or inside the test process. */
  metalbond?: "process" | "in-process";
  /** The dpservice entry file (relative to the repository root or absolute); default its main.ts. */
  dpserviceEntry?: string;
  /** Extra environment for every dpservice process. */
  dpserviceEnv?: Record<string, string>;
  /** LOG_LEVEL of the processes; default "warn". */
  logLevel?: string;
}

interface NodeSpec {
  name: string;
  index: number;
  underlayPrefix: string;
  grpcPort: number;
  httpPort: number;
  fabricPort: number;
}

/** One dpservice node of the harness. */
export interface HarnessNode {
  readonly name: string;
  /** 1-based. */
  readonly index: number;
  /** The node's underlay /64 ("fc00:1::/64"); every underlay dpservice generates lies in it. */
  readonly underlayPrefix: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** UDP port of its fabric socket. */
  readonly fabricPort: number;
  /** The relay every other node sends this node's fabric traffic through (it records it). */
  readonly wire: FabricWire;
  readonly dpdk: DpdkClient;
  readonly dataplane: DataplaneClient;
  readonly process: ServiceProcess;
}

export interface HarnessMetalbond {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly client: MetalbondClient;
}

/**
 * A small data centre for end-to-end tests: N dpservice processes (each its own OS process with
 * its own ports, underlay /64 and fabric socket, all fabric sockets known to each other), a
 * metalbond on the route bus (NATS), typed clients for each, and route agents (the metalnet
 * stand-in) on demand. `stop()` ends everything it started.
 */
export class DataplaneHarness {
  private readonly agents: RouteAgent[] = [];
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly nodes: readonly HarnessNode[],
    readonly metalbond: HarnessMetalbond,
    private readonly stopMetalbond: () => Promise<void>,
    readonly natsUrl: string,
    readonly namespace: string,
    readonly keepaliveMs: number,
    private readonly ownNamespace: boolean,
  ) {}

  static async start(options: DataplaneHarnessOptions): Promise<DataplaneHarness> {
    const keepaliveMs = options.keepaliveMs ?? 1000;
    const ownNamespace = options.namespace === undefined;
    const namespace =
      options.namespace ??
      uniquePrefix("dp")
        .replace(/[^-_A-Za-z0-9]/g, "-")
        .replace(/-+$/, "");
    const logLevel = options.logLevel ?? "warn";
    const specs: NodeSpec[] = [];
    for (let index = 1; index <= options.nodes; index++) {
      specs.push({
        name: `node-${index}`,
        index,
        underlayPrefix: `fc00:${index}::/64`,
        grpcPort: await freePort(),
        httpPort: await freePort(),
        // A free TCP port number; the UDP port of the same number is as good as always free too.
        fabricPort: await freePort(),
      });
    }
    const wires: FabricWire[] = [];
    const started: ServiceProcess[] = [];
    let metalbond: { info: HarnessMetalbond; stop: () => Promise<void> } | undefined;
    try {
      for (const n of specs)
        wires.push(await FabricWire.start(n.name, { host: "127.0.0.1", port: n.fabricPort }));
      // Every node knows every other node's fabric endpoint (static peers: no discovery needed);
      // the endpoint is the other node's wire, which forwards to its socket.
      const peersOf = (self: number) =>
        specs
          .filter((n) => n.index !== self)
          .map((n) => `${n.underlayPrefix}=127.0.0.1:${wires[n.index - 1]?.endpoint.port}`)
          .join(",");
      const dpservices = Promise.all(
        specs.map(async (n) => {
          const proc = await ServiceProcess.start({
            name: `dpservice ${n.name}`,
            entry: options.dpserviceEntry ?? "services/dpservice/src/main.ts",
            httpPort: n.httpPort,
            env: {
              LOG_LEVEL: logLevel,
              DPSERVICE_NODE_NAME: n.name,
              DPSERVICE_GRPC_HOST: "127.0.0.1",
              DPSERVICE_GRPC_PORT: String(n.grpcPort),
              DPSERVICE_HTTP_HOST: "127.0.0.1",
              DPSERVICE_HTTP_PORT: String(n.httpPort),
              DPSERVICE_UNDERLAY_PREFIX: n.underlayPrefix,
              DPSERVICE_VF_COUNT: "8",
              DPSERVICE_FABRIC_HOST: "127.0.0.1",
              DPSERVICE_FABRIC_PORT: String(n.fabricPort),
              DPSERVICE_FABRIC_PEERS: peersOf(n.index),
              ...options.dpserviceEnv,
            },
          });
          started.push(proc);
          return proc;
        }),
      );
      const mb = startHarnessMetalbond(options.metalbond ?? "process", {
        natsUrl: options.natsUrl,
        namespace,
        keepaliveMs,
        logLevel,
      });
      const [procs, mbStarted] = await Promise.allSettled([dpservices, mb]);
      if (mbStarted.status === "fulfilled") metalbond = mbStarted.value;
      if (procs.status === "rejected") throw procs.reason;
      if (mbStarted.status === "rejected") throw mbStarted.reason;
      const nodes: HarnessNode[] = specs.map((n, i) => ({
        ...n,
        dpdk: dpdkClient(n.grpcPort),
        dataplane: dataplaneClient(n.grpcPort),
        process: procs.value[i] as ServiceProcess,
        wire: wires[i] as FabricWire,
      }));
      // What metalnet does at start: initialize dpservice unless it already is.
      for (const node of nodes) {
        // dpservice answers ABORTED "not initialized" until Initialize was called.
        const check = await node.dpdk.checkInitialized({}).catch(() => undefined);
        const initialized = check !== undefined && (check.status?.code ?? 0) === 0;
        if (!initialized) checkStatus("Initialize", (await node.dpdk.initialize({})).status);
      }
      if (!metalbond) throw new Error("metalbond did not start");
      return new DataplaneHarness(
        nodes,
        metalbond.info,
        metalbond.stop,
        options.natsUrl,
        namespace,
        keepaliveMs,
        ownNamespace,
      );
    } catch (err) {
      await Promise.allSettled([
        ...started.map((p) => p.stop()),
        metalbond?.stop(),
        ...wires.map((w) => w.close()),
      ]);
      throw err;
    }
  }

  node(name: string | number): HarnessNode {
    const node = this.nodes.find((n) => n.name === name || n.index === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** Every datagram that crossed the fabric so far, in arrival order. */
  wireCapture(): WireDatagram[] {
    return this.nodes.flatMap((n) => n.wire.captured).sort((a, b) => a.seq - b.seq);
  }

  /** A route agent for the node: a route bus client with origin = node name, on this harness's bus. */
  async routeAgent(node: HarnessNode): Promise<RouteAgent> {
    const bus = new NatsRouteBus({
      origin: node.name,
      servers: this.natsUrl,
      namespace: this.namespace,
      keepaliveMs: this.keepaliveMs,
      // Errors only: a killed agent's "connection closed" warning is the test's intent, not news.
      logger: createLogger(`route-agent ${node.name}`, { level: "error" }),
    });
    const agent = await RouteAgent.start({ node: node.name, bus, dpdk: node.dpdk });
    this.agents.push(agent);
    return agent;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled(this.agents.map((a) => a.close()));
      await Promise.allSettled([...this.nodes.map((n) => n.process.stop()), this.stopMetalbond()]);
      await Promise.allSettled(this.nodes.map((n) => n.wire.close()));
      if (this.ownNamespace) {
        await deleteNatsRouteBus({ servers: this.natsUrl, namespace: this.namespace }).catch(() => {});
      }
    })();
    return this.stopping;
  }
}

async function startHarnessMetalbond(
  mode: "process" | "in-process",
  options: { natsUrl: string; namespace: string; keepaliveMs: number; logLevel: string },
): Promise<{ info: HarnessMetalbond; stop: () => Promise<void> }> {
  if (mode === "in-process") {
    const mb: RunningMetalbond = await startMetalbond({
      logger: createLogger("metalbond", { level: options.logLevel }),
      grpc: { host: "127.0.0.1", port: 0 },
      http: { host: "127.0.0.1", port: 0 },
      bus: { kind: "nats", servers: options.natsUrl, namespace: options.namespace },
      origin: "metalbond-harness",
      keepaliveMs: options.keepaliveMs,
      shutdownTimeoutMs: 2000,
    });
    return {
      info: { grpcPort: mb.grpcPort, httpPort: mb.httpPort, client: metalbondClient(mb.grpcPort) },
      stop: () => mb.stop(),
    };
  }
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const proc = await ServiceProcess.start({
    name: "metalbond",
    entry: "services/metalbond/src/main.ts",
    httpPort,
    env: {
      LOG_LEVEL: options.logLevel,
      METALBOND_HOST: "127.0.0.1",
      METALBOND_PORT: String(grpcPort),
      METALBOND_HTTP_PORT: String(httpPort),
      METALBOND_BUS: "nats",
      NATS_URL: options.natsUrl,
      METALBOND_NAMESPACE: options.namespace,
      METALBOND_ORIGIN: "metalbond-harness",
      METALBOND_KEEPALIVE: `${options.keepaliveMs}ms`,
    },
  });
  return {
    info: { grpcPort, httpPort, client: metalbondClient(grpcPort) },
    stop: () => proc.stop(),
  };
}
