import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResourceClient } from "@ironcore-ts/client";
import { seedExamplesDir } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testServer.js";

const seedDir = seedExamplesDir();
const networkRef = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "Network" };
const network = (name: string, ns: string, labels = "{}") =>
  `apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}\n---\n`;

describe("delete (end to end)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("delete -f removes what apply -f created", async () => {
    const applied = await server.cli(["apply", "-f", seedDir]);
    expect(applied.code, applied.stderr).toBe(0);
    const r = await server.cli(["delete", "-f", seedDir]);
    expect(r).toEqual({
      code: 0,
      stdout: [
        'loadbalancer.networking.ironcore.dev "loadbalancer-sample" deleted',
        'loadbalancerrouting.networking.ironcore.dev "loadbalancer-sample" deleted',
        'natgateway.networking.ironcore.dev "natgateway-sample" deleted',
        'network.networking.ironcore.dev "network-sample" deleted',
        'network.networking.ironcore.dev "network-sample2" deleted',
        'networkinterface.networking.ironcore.dev "networkinterface-sample" deleted',
        'networkpolicy.networking.ironcore.dev "my-network-policy" deleted',
        'virtualip.networking.ironcore.dev "virtualip-sample" deleted',
        "",
      ].join("\n"),
      stderr: "",
    });
    for (const kind of ["lb", "lbr", "ngw", "net", "nic", "netpol", "vip"]) {
      expect((await server.cli(["get", kind])).stderr, kind).toBe(
        "No resources found in default namespace.\n",
      );
    }
    const again = await server.cli(["delete", "-f", join(seedDir, "network.yaml")]);
    expect(again).toEqual({
      code: 1,
      stdout: "",
      stderr: `Error from server (NotFound): error when deleting "${join(seedDir, "network.yaml")}": networks.networking.ironcore.dev "network-sample" not found\n`,
    });
    expect(
      (await server.cli(["delete", "-f", join(seedDir, "network.yaml"), "--ignore-not-found"])).code,
    ).toBe(0);
  });

  it("deletes by kind and name, by selector and --all", async () => {
    await server.cli(["apply", "-f", "-"], {
      stdin:
        network("a", "del") +
        network("b", "del", "{tier: x}") +
        network("c", "del", "{tier: x}") +
        network("d", "del"),
    });
    expect(await server.cli(["delete", "net", "a", "-n", "del"])).toEqual({
      code: 0,
      stdout: 'network.networking.ironcore.dev "a" deleted\n',
      stderr: "",
    });
    expect((await server.cli(["delete", "net", "-l", "tier=x", "-n", "del"])).stdout).toBe(
      'network.networking.ironcore.dev "b" deleted\nnetwork.networking.ironcore.dev "c" deleted\n',
    );
    expect((await server.cli(["delete", "networks", "--all", "-n", "del", "-o", "name"])).stdout).toBe(
      "network.networking.ironcore.dev/d\n",
    );
    expect(await server.cli(["delete", "net", "--all", "-n", "del"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "No resources found\n",
    });
    expect(await server.cli(["delete", "net", "nope", "-n", "del"])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): networks.networking.ironcore.dev "nope" not found\n',
    });
    expect((await server.cli(["delete", "net", "-n", "del"])).stderr).toContain("no name was specified");
  });

  it("--wait waits until finalizers are gone", async () => {
    await server.cli(["apply", "-f", "-"], {
      stdin: network("held", "fin").replace("labels: {}}", "labels: {}, finalizers: [example.com/hold]}"),
    });
    const del = server.start(["delete", "net", "held", "-n", "fin", "--wait", "--timeout=20s"]);
    const client = new ResourceClient(server.address);
    // Marked for deletion, still there while the finalizer holds it.
    await new Promise((r) => setTimeout(r, 200));
    const held = await client.get(networkRef, "fin", "held");
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(del.output().stdout).toBe('network.networking.ironcore.dev "held" deleted\n');
    await client.patch(networkRef, "fin", "held", { metadata: { finalizers: null } });
    expect((await del.result).code).toBe(0);
    await expect(client.get(networkRef, "fin", "held")).rejects.toMatchObject({ reason: "NotFound" });
  });

  it("--wait gives up after --timeout", async () => {
    await server.cli(["apply", "-f", "-"], {
      stdin: network("stuck", "fin").replace("labels: {}}", "labels: {}, finalizers: [example.com/hold]}"),
    });
    const r = await server.cli(["delete", "net/stuck", "-n", "fin", "--wait", "--timeout=300ms"]);
    expect(r).toEqual({
      code: 1,
      stdout: 'network.networking.ironcore.dev "stuck" deleted\n',
      stderr: "error: timed out waiting for the condition on networks/stuck\n",
    });
  });

  it("delete -k skips kinds the server does not serve", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ironcorectl-delete-k-"));
    await writeFile(join(dir, "kustomization.yaml"), "namespace: kdel\nresources: [all.yaml]\n");
    await writeFile(
      join(dir, "all.yaml"),
      `${network("k1", "ignored")}apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n`,
    );
    expect((await server.cli(["apply", "-k", dir])).stdout).toBe(
      "network.networking.ironcore.dev/k1 created\n",
    );
    expect(await server.cli(["delete", "-k", dir])).toEqual({
      code: 0,
      stdout: 'network.networking.ironcore.dev "k1" deleted\n',
      stderr: 'Warning: skipping v1/Secret "s": kind not served by this API\n',
    });
  });
});
