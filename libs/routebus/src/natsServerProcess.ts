import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@ironcore-ts/testing";

/** The nats-server binary (Debian's path unless NATS_SERVER_BIN says otherwise). */
export const natsServerBinary = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

/**
 * A private nats-server with JetStream for tests that restart the server (never the shared one).
 * The store directory survives restarts, as it would on a real host.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly binary: string,
  ) {}

  static async start(
    binary = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server",
  ): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(
      await freePort(),
      await mkdtemp(join(tmpdir(), "routebus-nats-")),
      binary,
    );
    await server.run();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Kills the server abruptly (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async restart(downMs = 300): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.run();
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.storeDir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const child = spawn(
      this.binary,
      ["-a", "127.0.0.1", "-p", String(this.port), "-js", "-sd", this.storeDir],
      {
        stdio: "ignore",
      },
    );
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("nats-server did not start within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
