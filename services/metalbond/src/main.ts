import { setTimeout as sleep } from "node:timers/promises";
import { createLogger, installShutdownHandlers, metricsRegistry } from "@ironcore-ts/runtime";
import { loadConfig } from "./config.js";
import { type RunningMetalbond, startMetalbond } from "./startMetalbond.js";

const logger = createLogger("metalbond");

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  logger.fatal({ err }, "metalbond: bad configuration");
  process.exit(1);
}

// NATS may come up after us (compose, a node reboot): keep trying rather than crash-loop. Until
// then nothing listens, so clients and probes see a service that is not there yet.
let running: RunningMetalbond | undefined;
for (let attempt = 0; !running; attempt++) {
  try {
    running = await startMetalbond({
      logger,
      grpc: config.grpc,
      http: config.http,
      bus: config.bus.kind === "nats" ? config.bus : { kind: "memory" },
      origin: config.origin,
      keepaliveMs: config.keepaliveMs,
      missedKeepalives: config.missedKeepalives,
      reap: config.reap,
      registry: metricsRegistry,
    });
  } catch (err) {
    const waitMs = Math.min(500 * 2 ** attempt, 10_000);
    logger.warn({ err, bus: config.bus, retryInMs: waitMs }, "metalbond could not start; retrying");
    await sleep(waitMs);
  }
}
logger.info(
  { grpcPort: running.grpcPort, httpPort: running.httpPort, keepaliveMs: config.keepaliveMs },
  "metalbond ready",
);
installShutdownHandlers(running, logger);
