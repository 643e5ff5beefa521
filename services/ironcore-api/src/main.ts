import { RedisLease } from "@ironcore-ts/controller";
import { createLogger, env, installShutdownHandlers } from "@ironcore-ts/runtime";
import { openStore } from "@ironcore-ts/store";
import { Redis } from "ioredis";
import { startIronCoreApi } from "./server.js";

const logger = createLogger("ironcore-api");
const redisUrl = env.optional("REDIS_URL");
const keyPrefix = env.string("IRONCORE_API_KEY_PREFIX", "ironcore-api:");
const opened = await openStore({
  redisUrl,
  mode: env.oneOf("IRONCORE_STORE", ["auto", "memory", "redis"] as const, "auto"),
  keyPrefix,
});
logger.info({ store: opened.description }, `using ${opened.description}`);
const leaseRedis = opened.kind === "redis" ? new Redis(redisUrl ?? "redis://127.0.0.1:6379") : undefined;
const api = await startIronCoreApi({
  store: opened.store,
  host: env.string("IRONCORE_API_HOST", "0.0.0.0"),
  grpcPort: env.port("IRONCORE_API_PORT", 7443),
  httpPort: env.port("IRONCORE_API_HTTP_PORT", 7080),
  logger,
  // false: serve the API only (run the controllers in another process, or benchmark the API).
  controllers: env.bool("IRONCORE_API_CONTROLLERS", true),
  // Replicas on one Redis serve the API together; one of them (the lease holder) runs controllers.
  lease: leaseRedis
    ? new RedisLease({ redis: leaseRedis, key: `${keyPrefix}leader:controllers` })
    : undefined,
});
installShutdownHandlers(
  {
    stop: async () => {
      await api.stop();
      await opened.store.close();
      leaseRedis?.disconnect();
    },
  },
  logger,
);
