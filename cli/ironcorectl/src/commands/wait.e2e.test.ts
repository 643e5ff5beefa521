import { ResourceClient } from "@ironcore-ts/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, until } from "../testServer.js";

const networkRef = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "Network" };
const network = (name: string) =>
  `apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata: {name: ${name}, namespace: wait}\n`;

describe("wait (end to end)", () => {
  let server: TestServer;
  let client: ResourceClient;
  beforeAll(async () => {
    server = await startTestServer();
    client = new ResourceClient(server.address);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("returns when another client sets the status", async () => {
    await server.cli(["apply", "-f", "-"], { stdin: network("becomes-available") });
    const wait = server.start([
      "wait",
      "network/becomes-available",
      "-n",
      "wait",
      "--for=jsonpath='{.status.state}'=Available",
      "--timeout=20s",
    ]);
    // Not met yet: the wait is still running.
    await new Promise((r) => setTimeout(r, 200));
    expect(wait.output()).toEqual({ stdout: "", stderr: "" });
    await client.patch(
      networkRef,
      "wait",
      "becomes-available",
      { status: { state: "Available" } },
      { status: true },
    );
    expect(await wait.result).toEqual({
      code: 0,
      stdout: "network.networking.ironcore.dev/becomes-available condition met\n",
      stderr: "",
    });
  });

  it("returns at once when the condition already holds", async () => {
    await server.cli(["apply", "-f", "-"], { stdin: network("already") });
    await client.patch(networkRef, "wait", "already", { status: { state: "Available" } }, { status: true });
    const r = await server.cli([
      "wait",
      "net",
      "already",
      "-n",
      "wait",
      "--for=jsonpath={.status.state}=Available",
    ]);
    expect(r.stdout).toBe("network.networking.ironcore.dev/already condition met\n");
  });

  it("times out with kubectl's message and exit code 1", async () => {
    await server.cli(["apply", "-f", "-"], { stdin: network("stays-pending") });
    const started = Date.now();
    const r = await server.cli([
      "wait",
      "network/stays-pending",
      "-n",
      "wait",
      "--for=jsonpath={.status.state}=Available",
      "--timeout=500ms",
    ]);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "error: timed out waiting for the condition on networks/stays-pending\n",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("waits for deletion", async () => {
    await server.cli(["apply", "-f", "-"], { stdin: network("goes-away") });
    const wait = server.start(["wait", "net/goes-away", "-n", "wait", "--for=delete", "--timeout=20s"]);
    await new Promise((r) => setTimeout(r, 100));
    await client.delete(networkRef, "wait", "goes-away");
    expect((await wait.result).stdout).toBe("network.networking.ironcore.dev/goes-away condition met\n");
  });

  it("reports a missing object as NotFound", async () => {
    const r = await server.cli([
      "wait",
      "net/missing",
      "-n",
      "wait",
      "--for=jsonpath={.status.state}=Available",
    ]);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): networks.networking.ironcore.dev "missing" not found\n',
    });
  });

  it("waits on everything matching a selector", async () => {
    const labelled = (name: string) =>
      network(name).replace("namespace: wait}", "namespace: wait, labels: {group: g}}");
    await server.cli(["apply", "-f", "-"], { stdin: `${labelled("sel-1")}---\n${labelled("sel-2")}` });
    const wait = server.start([
      "wait",
      "net",
      "-l",
      "group=g",
      "-n",
      "wait",
      "--for=jsonpath={.status.state}=Available",
      "--timeout=20s",
    ]);
    for (const name of ["sel-1", "sel-2"]) {
      await client.patch(networkRef, "wait", name, { status: { state: "Available" } }, { status: true });
    }
    const r = await wait.result;
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "network.networking.ironcore.dev/sel-1 condition met",
      "network.networking.ironcore.dev/sel-2 condition met",
    ]);
  });

  it("waits for a status condition", async () => {
    const policy = [
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: NetworkPolicy",
      "metadata: {name: pol, namespace: wait}",
      "spec:",
      "  networkRef: {name: n}",
      "  networkInterfaceSelector: {}",
      "  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]",
    ].join("\n");
    const applied = await server.cli(["apply", "-f", "-"], { stdin: policy });
    expect(applied.code, applied.stderr).toBe(0);
    const wait = server.start(["wait", "netpol/pol", "-n", "wait", "--for=condition=Ready", "--timeout=20s"]);
    await until(() => true);
    const condition = {
      type: "Ready",
      status: "True",
      reason: "Test",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    };
    await client.patch(
      { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "NetworkPolicy" },
      "wait",
      "pol",
      { status: { conditions: [condition] } },
      { status: true },
    );
    expect(await wait.result).toEqual({
      code: 0,
      stdout: "networkpolicy.networking.ironcore.dev/pol condition met\n",
      stderr: "",
    });
  });
});
