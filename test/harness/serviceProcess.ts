import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: services are started from here so `--import tsx` resolves. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface ServiceProcessOptions {
  /** Names the process in errors. */
  name: string;
  /** Entry file relative to the repository root, e.g. "services/dpservice/src/main.ts". */
  entry: string;
  env: Record<string, string>;
  /** The HTTP port whose GET /readyz answers 200 once the service serves. */
  httpPort: number;
  /** Default 60 s: the first start compiles TypeScript with tsx, which is slow on a small machine. */
  startTimeoutMs?: number;
}

/**
 * One service as its own OS process (`node --import tsx <entry>`), the way `npm start` and the
 * deployment run it. Keeps the tail of its output so a failed start or a crash can be explained.
 */
export class ServiceProcess {
  private readonly output: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", options.entry], {
      cwd: repoRoot,
      env: { ...process.env, LOG_FORMAT: "json", LOG_LEVEL: "warn", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc = new ServiceProcess(options.name, child);
    try {
      await proc.waitReady(options.httpPort, options.startTimeoutMs ?? 60_000);
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the process wrote (stdout and stderr). */
  logTail(): string {
    return this.output.join("").split("\n").slice(-40).join("\n");
  }

  private async waitReady(httpPort: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        throw new Error(
          `${this.name} exited with ${this.child.exitCode} before it was ready:\n${this.logTail()}`,
        );
      }
      try {
        const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM (graceful stop), SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: the process dies without cleaning up, as in a crash. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}
