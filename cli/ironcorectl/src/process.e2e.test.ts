import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testServer.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command as its own process, feeding stdin, and collects what it printed. */
function exec(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: packageDir,
      env: { ...process.env, IRONCORE_API: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("ironcorectl as a process", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("bin/ironcorectl.mjs reads stdin, talks to the server and exits with the command's code", async () => {
    const doc =
      "apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata: {name: from-process}\n";
    const bin = join(packageDir, "bin", "ironcorectl.mjs");
    expect(await exec([bin, "apply", "-f", "-", "-s", server.address], doc)).toEqual({
      code: 0,
      stdout: "network.networking.ironcore.dev/from-process created\n",
      stderr: "",
    });
    expect(await exec([bin, "get", "net", "nope", "-s", server.address])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): networks.networking.ironcore.dev "nope" not found\n',
    });
  });

  it("src/main.ts runs when started with node --import tsx (pnpm ironcorectl)", async () => {
    const r = await exec([
      "--import",
      "tsx",
      join(packageDir, "src", "main.ts"),
      "get",
      "net",
      "-s",
      server.address,
      "-o",
      "name",
    ]);
    expect(r).toEqual({ code: 0, stdout: "network.networking.ironcore.dev/from-process\n", stderr: "" });
  });
});
