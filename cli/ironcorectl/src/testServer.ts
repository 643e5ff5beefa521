// Test helper: ironcore-api in this process, on free ports, with an in-memory store.
import { createLogger } from "../../../libs/runtime/src/index.js";
import { startIronCoreApi } from "../../../services/ironcore-api/src/server.js";
import { type CliRun, type LiveRun, type RunOptions, run, start } from "./testSupport.js";

export interface TestServer {
  address: string;
  /** Runs ironcorectl against this server. */
  cli(argv: readonly string[], options?: RunOptions): Promise<CliRun>;
  /** Starts ironcorectl against this server without waiting for it (watches). */
  start(argv: readonly string[], options?: RunOptions): LiveRun;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const api = await startIronCoreApi({
    grpcPort: 0,
    httpPort: 0,
    // The CLI tests assert exactly what the CLI did; controllers would add their own writes.
    controllers: false,
    logger: createLogger("ironcore-api", { level: "silent", format: "json" }),
  });
  return {
    address: api.grpcAddress,
    cli: (argv, options = {}) => run([...argv, "--server", api.grpcAddress], options),
    start: (argv, options = {}) => start([...argv, "--server", api.grpcAddress], options),
    stop: () => api.stop(),
  };
}

/** Waits for a condition checked every few milliseconds (for output of a running watch). */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
