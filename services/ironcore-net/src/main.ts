import { RedisLease } from "@ironcore-ts/controller";
import { createLogger, env, installShutdownHandlers } from "@ironcore-ts/runtime";
import { openStore } from "@ironcore-ts/store";
import { Redis } from "ioredis";
import { configFromEnv } from "./config.js";
import { startIronCoreNet } from "./server.js";

const logger = createLogger("ironcore-net");
const keyPrefix = env.string("IRONCORE_NET_KEY_PREFIX", "ironcore-net:");
const redisUrl = env.optional("REDIS_URL");
const opened = await openStore({
  redisUrl,
  mode: env.oneOf("IRONCORE_STORE", ["auto", "memory", "redis"] as const, "auto"),
  keyPrefix,
});
logger.info({ store: opened.description }, `using ${opened.description}`);

// Replicas on one Redis share the allocations (atomic claims) and elect one of them to run the
// garbage collectors.
const leaseRedis = opened.kind === "redis" ? new Redis(redisUrl ?? "redis://127.0.0.1:6379") : undefined;
const net = await startIronCoreNet({
  store: opened.store,
  host: env.string("IRONCORE_NET_HOST", "0.0.0.0"),
  grpcPort: env.port("IRONCORE_NET_PORT", 7444),
  httpPort: env.port("IRONCORE_NET_HTTP_PORT", 7081),
  logger,
  config: configFromEnv(),
  lease: leaseRedis
    ? new RedisLease({ redis: leaseRedis, key: `${keyPrefix}leader:controllers` })
    : undefined,
});
logger.info(
  { vni: [net.config.minVNI, net.config.maxVNI], publicPrefixes: net.config.pools.all() },
  "allocating VNIs and public IPs",
);
installShutdownHandlers(
  {
    stop: async () => {
      await net.stop();
      await opened.store.close();
      leaseRedis?.disconnect();
    },
  },
  logger,
);
