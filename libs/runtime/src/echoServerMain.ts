// Test support only: a service process as services write them, for shutdown.test.ts to signal.
import { createEchoImpl, EchoService } from "./echoFixture.js";
import { env } from "./envConfig.js";
import { createLogger } from "./logger.js";
import { installShutdownHandlers } from "./shutdown.js";
import { startService } from "./startService.js";

const logger = createLogger("echo", { format: "json" });
const svc = await startService({
  name: "echo",
  logger,
  grpc: { host: "127.0.0.1", port: env.port("ECHO_GRPC_PORT", 0) },
  http: { host: "127.0.0.1", port: env.port("ECHO_HTTP_PORT", 0) },
  services: [{ service: EchoService, impl: createEchoImpl().impl }],
});
installShutdownHandlers(svc, logger);
