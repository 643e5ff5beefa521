import { createLogger, env, installShutdownHandlers } from "@ironcore-ts/runtime";
import { openStore } from "@ironcore-ts/store";
import { startIronCoreApi } from "./server.js";

const logger = createLogger("ironcore-api");
const opened = await openStore({
  redisUrl: env.optional("REDIS_URL"),
  mode: env.oneOf("IRONCORE_STORE", ["auto", "memory", "redis"] as const, "auto"),
  keyPrefix: env.string("IRONCORE_API_KEY_PREFIX", "ironcore-api:"),
});
logger.info({ store: opened.description }, `using ${opened.description}`);
const api = await startIronCoreApi({
  store: opened.store,
  host: env.string("IRONCORE_API_HOST", "0.0.0.0"),
  grpcPort: env.port("IRONCORE_API_PORT", 7443),
  httpPort: env.port("IRONCORE_API_HTTP_PORT", 7080),
  logger,
});
installShutdownHandlers(
  {
    stop: async () => {
      await api.stop();
      await opened.store.close();
    },
  },
  logger,
);
