/**
 * apinetlet as a process. Environment:
 *   IRONCORE_API                ironcore-api gRPC address (127.0.0.1:7443)
 *   IRONCORE_NET                ironcore-net gRPC address (127.0.0.1:7444)
 *   APINETLET_NAMESPACE         apinet namespace to write into (ironcore-net-system)
 *   APINETLET_WATCH_NAMESPACE   only this ironcore namespace (all)
 *   APINETLET_WATCH_FILTER      only objects labelled common.ironcore.dev/watch-filter=<value>
 *   APINETLET_DISABLE_NETWORK_PEERING, APINETLET_NODE_AFFINITY_AWARE   (false)
 *   APINETLET_CONCURRENCY       workers of the Network/VirtualIP controllers (32)
 *   APINETLET_HOST, APINETLET_GRPC_PORT (7450), APINETLET_HTTP_PORT (7451): health, reflection, /metrics
 *   REDIS_URL                   leader election on a Redis lease (two replicas are safe)
 *   APINETLET_LEASE_TTL         lease TTL (15s)
 *   LOG_LEVEL, LOG_FORMAT
 */
import { createLogger, env, installShutdownHandlers } from "@ironcore-ts/runtime";
import { defaultApinetNamespace, startApinetlet } from "./apinetlet.js";

const logger = createLogger("apinetlet");
const apinetlet = await startApinetlet({
  ironcoreApi: env.string("IRONCORE_API", "127.0.0.1:7443"),
  ironcoreNet: env.string("IRONCORE_NET", "127.0.0.1:7444"),
  namespace: env.string("APINETLET_NAMESPACE", defaultApinetNamespace),
  watchNamespace: env.optional("APINETLET_WATCH_NAMESPACE"),
  watchFilter: env.optional("APINETLET_WATCH_FILTER"),
  disableNetworkPeering: env.bool("APINETLET_DISABLE_NETWORK_PEERING", false),
  nodeAffinityAware: env.bool("APINETLET_NODE_AFFINITY_AWARE", false),
  concurrency: env.int("APINETLET_CONCURRENCY", 32, { min: 1, max: 1024 }),
  host: env.string("APINETLET_HOST", "0.0.0.0"),
  grpcPort: env.port("APINETLET_GRPC_PORT", 7450),
  httpPort: env.port("APINETLET_HTTP_PORT", 7451),
  redisUrl: env.optional("REDIS_URL"),
  leaseTtlMs: env.durationMs("APINETLET_LEASE_TTL", 15_000),
  logger,
});
installShutdownHandlers(apinetlet, logger);
