import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { installShutdownHandlers } from "./shutdown.js";

const logger = createLogger("shutdown-test", { level: "silent" });

describe("installShutdownHandlers", () => {
  it("stops a real service process on SIGTERM and exits 0", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./echoServerMain.ts", import.meta.url))],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, LOG_LEVEL: "info" },
      },
    );
    let out = "";
    const started = new Promise<void>((resolve) =>
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("service started")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await started;
      const port = JSON.parse(out.split("\n")[0]!).httpPort as number;
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const messages = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l).msg);
      expect(messages).toEqual(["service started", "stopping", "service stopped"]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("exits at once on a second signal while stopping", async () => {
    const codes: number[] = [];
    let finishStop = () => {};
    const service = { stop: () => new Promise<void>((resolve) => (finishStop = resolve)) };
    const uninstall = installShutdownHandlers(service, logger, {
      signals: ["SIGUSR2"],
      exit: (c) => codes.push(c),
    });
    try {
      process.emit("SIGUSR2", "SIGUSR2");
      expect(codes).toEqual([]);
      process.emit("SIGUSR2", "SIGUSR2");
      expect(codes).toEqual([1]);
      finishStop();
      await expect.poll(() => codes).toEqual([1, 0]);
    } finally {
      uninstall();
    }
  });

  it("exits 1 when stopping fails", async () => {
    const codes: number[] = [];
    const service = { stop: () => Promise.reject(new Error("stuck")) };
    const uninstall = installShutdownHandlers(service, logger, {
      signals: ["SIGUSR2"],
      exit: (c) => codes.push(c),
    });
    try {
      process.emit("SIGUSR2", "SIGUSR2");
      await expect.poll(() => codes).toEqual([1]);
    } finally {
      uninstall();
    }
  });
});
