import { describe, expect, it } from "vitest";
import { applyOutcome } from "./commands/apply.js";
import { commands } from "./main.js";
import { run } from "./testSupport.js";

describe("ironcorectl without a server", () => {
  it("prints the command list for --help and with no arguments", async () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Commands:");
      for (const c of commands) expect(r.stdout).toContain(`  ${c.name}`);
    }
  });

  it("has --help for every command", async () => {
    for (const c of commands) {
      const r = await run([c.name, "--help"]);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout, c.name).toContain(`Usage:\n  ironcorectl ${c.name}`);
      expect(r.stdout, c.name).toContain("-s, --server=ADDRESS");
      expect((await run(["help", c.name])).stdout).toBe(r.stdout);
      expect((await run([c.name, "-h"])).stdout).toBe(r.stdout);
    }
  });

  it("rejects unknown commands and flags the way kubectl does", async () => {
    expect(await run(["frobnicate"])).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'error: unknown command "frobnicate" for "ironcorectl"\nRun \'ironcorectl --help\' for usage.\n',
    });
    expect(await run(["get", "nic", "--bogus"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "error: unknown flag: --bogus\nSee 'ironcorectl get --help' for usage.\n",
    });
  });

  it("finds the command after global flags", async () => {
    const r = await run(["-n", "test", "version", "--client"]);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Client Version: v\d+\.\d+\.\d+\n$/) });
  });

  it("explains that the server cannot be reached", async () => {
    const r = await run(["get", "nic", "--server", "127.0.0.1:1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: unable to reach the IronCore API at 127\.0\.0\.1:1 \(set --server or IRONCORE_API\)/,
    );
  });

  it("takes the server from IRONCORE_API", async () => {
    const r = await run(["get", "nic"], { env: { IRONCORE_API: "127.0.0.1:2" } });
    expect(r.stderr).toContain("at 127.0.0.1:2");
  });
});

describe("apply outcome", () => {
  const obj = (rv: string, uid = "u", spec: unknown = { a: 1 }, status: unknown = undefined) => ({
    metadata: { name: "x", uid, resourceVersion: rv },
    spec,
    ...(status ? { status } : {}),
  });

  it("is created without a previous object or with a new uid", () => {
    expect(applyOutcome(undefined, obj("1"))).toBe("created");
    expect(applyOutcome(obj("1", "old"), obj("5", "new"))).toBe("created");
  });

  it("is unchanged when nothing was written, or only the version moved", () => {
    expect(applyOutcome(obj("3"), obj("3"))).toBe("unchanged");
    expect(applyOutcome(obj("3", "u", { a: 1 }, { s: 1 }), obj("4", "u", { a: 1 }, { s: 2 }))).toBe(
      "unchanged",
    );
  });

  it("is configured when the spec or metadata changed", () => {
    expect(applyOutcome(obj("3"), obj("4", "u", { a: 2 }))).toBe("configured");
  });
});
