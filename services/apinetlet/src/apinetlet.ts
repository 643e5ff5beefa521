/**
 * apinetlet in a process: two API clients (ironcore-api, ironcore-net), shared informers, the six
 * reconcilers, optional leader election on a Redis lease, and a gRPC/HTTP port pair that serves
 * health, reflection and /metrics (apinetlet has no API of its own).
 */
import { type ObjectClient, ResourceClient } from "@ironcore-ts/client";
import { Manager, RedisLease } from "@ironcore-ts/controller";
import {
  createLogger,
  type Logger,
  metricsRegistry,
  type RunningService,
  startService,
} from "@ironcore-ts/runtime";
import { Redis } from "ioredis";
import { AllocationRetry, type AllocationRetryOptions } from "./allocation.js";
import type { ApinetletContext, ApinetletSettings } from "./context.js";
import { createInformers, type Informers } from "./informers.js";
import { loadBalancerReconciler } from "./loadBalancerReconciler.js";
import { natGatewayReconciler } from "./natGatewayReconciler.js";
import { networkInterfaceReconciler } from "./networkInterfaceReconciler.js";
import { networkPolicyReconciler } from "./networkPolicyReconciler.js";
import { networkReconciler } from "./networkReconciler.js";
import { RecentWrites, RecentWritesClient } from "./recentWrites.js";
import { virtualIPReconciler } from "./virtualIPReconciler.js";

/**
 * The apinet namespace apinetlet writes into unless told otherwise. Upstream has no default
 * (`--api-net-namespace` is required); ironcore-in-a-box and the seed documents use this one,
 * so provider IDs read `ironcore-net://ironcore-net-system/...` as users know them.
 */
export const defaultApinetNamespace = "ironcore-net-system";

export interface ApinetletOptions {
  /** ironcore-api: a gRPC address (`host:port`) or a client. */
  ironcoreApi: string | ObjectClient;
  /** ironcore-net: a gRPC address (`host:port`) or a client. */
  ironcoreNet: string | ObjectClient;
  /** The apinet namespace to write into; `ironcore-net-system` unless set. */
  namespace?: string;
  /** Only this ironcore namespace (upstream `--namespace`); every namespace unless set. */
  watchNamespace?: string;
  /** Upstream `--watch-filter`. */
  watchFilter?: string;
  disableNetworkPeering?: boolean;
  nodeAffinityAware?: boolean;
  /** Workers of the Network and VirtualIP controllers (the others get a quarter); 32 unless set. */
  concurrency?: number;
  logger?: Logger;
  host?: string;
  /** 0 picks a free port. 7450 unless set. */
  grpcPort?: number;
  /** 0 picks a free port. 7451 unless set. */
  httpPort?: number;
  /** With Redis, replicas elect a leader: only it reconciles. Without, this process always does. */
  redisUrl?: string;
  /** Lease TTL for leader election; 15 s unless set. */
  leaseTtlMs?: number;
  /** Retry back-off while the public IP pool is exhausted. */
  allocationRetry?: AllocationRetryOptions;
}

export interface RunningApinetlet {
  manager: Manager;
  informers: Informers;
  service: RunningService;
  allocation: AllocationRetry;
  grpcPort: number;
  httpPort: number;
  /** Whether this replica reconciles now (always true without leader election). */
  isLeader(): boolean;
  stop(): Promise<void>;
}

function clientFor(target: string | ObjectClient): ObjectClient {
  return typeof target === "string" ? new ResourceClient(target) : target;
}

export async function startApinetlet(options: ApinetletOptions): Promise<RunningApinetlet> {
  const logger = options.logger ?? createLogger("apinetlet");
  const settings: ApinetletSettings = {
    apinetNamespace: options.namespace || defaultApinetNamespace,
    watchFilter: options.watchFilter,
    disableNetworkPeering: options.disableNetworkPeering ?? false,
    nodeAffinityAware: options.nodeAffinityAware ?? false,
    concurrency: options.concurrency ?? 32,
  };
  const clients = { ironcore: clientFor(options.ironcoreApi), apinet: clientFor(options.ironcoreNet) };
  const writes = new RecentWrites();

  let redis: Redis | undefined;
  let lease: RedisLease | undefined;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    // One lease per apinet namespace: two apinetlets writing the same namespace must not both lead.
    lease = new RedisLease({
      redis,
      key: `apinetlet:leader:${settings.apinetNamespace}`,
      ttlMs: options.leaseTtlMs ?? 15_000,
    });
  }
  const manager = new Manager({ logger, leaderElection: lease ? { lease } : undefined });
  const informers = createInformers(
    manager,
    clients,
    { apinetNamespace: settings.apinetNamespace, watchNamespace: options.watchNamespace },
    writes,
  );
  const allocation = new AllocationRetry(options.allocationRetry);
  const ctx: ApinetletContext = {
    ironcore: new RecentWritesClient(clients.ironcore, writes),
    apinet: new RecentWritesClient(clients.apinet, writes),
    informers,
    settings,
    allocation,
    logger,
    registry: metricsRegistry,
    writes,
  };
  const controllers = [
    networkReconciler(ctx),
    virtualIPReconciler(ctx),
    networkInterfaceReconciler(ctx),
    loadBalancerReconciler(ctx),
    natGatewayReconciler(ctx),
    networkPolicyReconciler(ctx),
  ];
  for (const c of controllers) manager.add(c);

  // An IPAddress deleted (anywhere: ironcore-net releases it right after its IP is deleted)
  // frees one address of its family: the longest waiting VirtualIP, LoadBalancer or NATGateway of
  // that family is retried at once. (The IP's own deletion event can arrive before the release.)
  informers.apinet.ipAddresses.onDelete((address) => {
    const ip = address.spec?.ip || address.metadata.name || "";
    allocation.freed(ip.includes(":") ? "IPv6" : "IPv4");
  });

  const service = await startService({
    name: "apinetlet",
    logger,
    grpc: { host: options.host ?? "0.0.0.0", port: options.grpcPort ?? 7450 },
    http: { host: options.host ?? "0.0.0.0", port: options.httpPort ?? 7451 },
    services: [],
    registry: metricsRegistry,
  });
  const running = manager.start();
  logger.info(
    {
      apinetNamespace: settings.apinetNamespace,
      watchNamespace: options.watchNamespace ?? "(all)",
      leaderElection: lease ? lease.key : "off",
      grpcPort: service.grpcPort,
      httpPort: service.httpPort,
    },
    "apinetlet started",
  );

  let stopping: Promise<void> | undefined;
  return {
    manager,
    informers,
    service,
    allocation,
    grpcPort: service.grpcPort,
    httpPort: service.httpPort,
    isLeader: () => manager.isLeader(),
    stop() {
      stopping ??= (async () => {
        await manager.stop();
        await running;
        allocation.stop();
        await service.stop();
        redis?.disconnect();
      })();
      return stopping;
    },
  };
}
