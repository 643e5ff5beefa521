import type { Logger } from "./logger.js";

export interface Stoppable {
  stop(): Promise<void>;
}

export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  /** Default process.exit; tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * SIGTERM/SIGINT stop the service gracefully and exit 0 (1 if stopping failed). A second signal
 * while stopping exits at once: the operator asked twice. Returns a function that removes the
 * handlers again.
 */
export function installShutdownHandlers(
  service: Stoppable,
  logger: Logger,
  options: ShutdownOptions = {},
): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal while stopping, exiting now");
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, "stopping");
    service.stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, "stopping failed");
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
