import { createLogger, installShutdownHandlers } from "@ironcore-ts/runtime";
import { loadConfig } from "./config.js";
import { startDpservice } from "./startDpservice.js";

const logger = createLogger("dpservice");
try {
  const config = loadConfig();
  const service = await startDpservice({
    logger,
    grpc: config.grpc,
    http: config.http,
    hostUnderlay: config.hostUnderlay,
    vfNames: config.vfNames,
    underlayAddressTypes: config.underlayAddressTypes,
    staticUnderlays: config.staticUnderlays,
  });
  logger.info({ node: config.nodeName }, "dpservice serving");
  installShutdownHandlers(service, logger);
} catch (err) {
  logger.fatal({ err }, "dpservice failed to start");
  process.exit(1);
}
