import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedExamplesDir } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startTestServer, type TestServer } from "../testServer.js";

const seedDir = seedExamplesDir();
const seedFiles = readdirSync(seedDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-fixtures");

type Json = Record<string, unknown>;

/**
 * Every field of `expected` is in `actual` with the same value (the server adds defaults and
 * status, so the stored object may have more). Lists must match item by item.
 */
function expectContains(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectContains((actual as unknown[])[i], e, `${path}[${i}]`);
  } else if (typeof expected === "object" && expected !== null) {
    expect(typeof actual, path).toBe("object");
    for (const [k, v] of Object.entries(expected)) expectContains((actual as Json)[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** What of a seed document the server must give back: spec, or the top-level fields of LBR. */
function userFields(doc: Json): Json {
  if (doc.kind === "LoadBalancerRouting") {
    // The seed's short destination form {name, uid} is stored as {targetRef: {name, uid}}.
    const destinations = (doc.destinations as Json[]).map((d) => ({
      targetRef: { name: d.name, uid: d.uid },
    }));
    return { networkRef: doc.networkRef, destinations };
  }
  const spec = structuredClone(doc.spec) as Json;
  if (doc.kind === "NetworkPolicy") {
    // policyTypes is defaulted to a sorted set (reference section 9): same values, server order.
    spec.policyTypes = [...(spec.policyTypes as string[])].sort();
  }
  return { spec };
}

describe("apply (end to end)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.each(seedFiles)("seed example %s", (file) => {
    const path = join(seedDir, file);
    const doc = parse(readFileSync(path, "utf8")) as Json;
    const kind = String(doc.kind);
    const name = String((doc.metadata as Json).name);
    const label = `${kind.toLowerCase()}.${String(doc.apiVersion).split("/")[0]}/${name}`;

    it("applies unchanged and reads back with the same fields", async () => {
      const applied = await server.cli(["apply", "-f", path]);
      expect(applied).toEqual({ code: 0, stdout: `${label} created\n`, stderr: "" });
      const got = await server.cli(["get", kind, name, "-o", "yaml"]);
      expect(got.code, got.stderr).toBe(0);
      const obj = parse(got.stdout) as Json;
      expect(obj.kind).toBe(kind);
      expect((obj.metadata as Json).name).toBe(name);
      expectContains(obj, userFields(doc), kind);
    });

    it("says unchanged when applied again", async () => {
      expect(await server.cli(["apply", "-f", path])).toEqual({
        code: 0,
        stdout: `${label} unchanged\n`,
        stderr: "",
      });
    });
  });

  it("says configured when a field changed, and the change is stored", async () => {
    const text = readFileSync(join(seedDir, "natgateway.yaml"), "utf8").replace(
      "namespace: default",
      "namespace: conf",
    );
    expect((await server.cli(["apply", "-f", "-"], { stdin: text })).stdout).toBe(
      "natgateway.networking.ironcore.dev/natgateway-sample created\n",
    );
    const changed = text.replace("portsPerNetworkInterface: 64", "portsPerNetworkInterface: 128");
    expect(await server.cli(["apply", "-f", "-"], { stdin: changed })).toEqual({
      code: 0,
      stdout: "natgateway.networking.ironcore.dev/natgateway-sample configured\n",
      stderr: "",
    });
    const got = await server.cli([
      "get",
      "ngw",
      "natgateway-sample",
      "-n",
      "conf",
      "-o",
      "jsonpath={.spec.portsPerNetworkInterface}",
    ]);
    expect(got.stdout).toBe("128");
    // A label only (no spec change) is a change too.
    const labelled = changed.replace(
      "name: natgateway-sample",
      "name: natgateway-sample\n  labels: {team: a}",
    );
    expect((await server.cli(["apply", "-f", "-"], { stdin: labelled })).stdout).toBe(
      "natgateway.networking.ironcore.dev/natgateway-sample configured\n",
    );
  });

  it("reports an invalid document with its field paths, applies the valid ones, exits 1", async () => {
    const stdin = [
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: Network",
      "metadata: {name: good-before}",
      "---",
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: NetworkInterface",
      "metadata: {name: bad-nic}",
      "spec:",
      "  networkRef: {name: good-before}",
      "  ipFamilies: [IPv4]",
      "  ips: [{value: 'not-an-ip'}]",
      "  foo: bar",
      "---",
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: VirtualIP",
      "metadata: {name: good-after}",
      "spec: {type: Public, ipFamily: IPv4}",
    ].join("\n");
    const r = await server.cli(["apply", "-f", "-", "-n", "invalid"], { stdin });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "network.networking.ironcore.dev/good-before created\nvirtualip.networking.ironcore.dev/good-after created\n",
    );
    expect(r.stderr).toMatch(/^Error from server \(Invalid\): error when applying "STDIN": NetworkInterface/);
    expect(r.stderr).toContain('"bad-nic" is invalid');
    expect(r.stderr).toContain("spec.foo");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect((await server.cli(["get", "vip", "good-after", "-n", "invalid", "-o", "name"])).stdout).toBe(
      "virtualip.networking.ironcore.dev/good-after\n",
    );
  });

  it("reports the value path when the document is well-formed but invalid", async () => {
    const stdin = [
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: NetworkInterface",
      "metadata: {name: bad-ip}",
      "spec:",
      "  networkRef: {name: n}",
      "  ipFamilies: [IPv4]",
      "  ips: [{value: 'not-an-ip'}]",
    ].join("\n");
    const r = await server.cli(["apply", "-f", "-", "-n", "invalid"], { stdin });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("spec.ips[0].value");
  });

  it("-o name and -o yaml print the applied objects instead of the summary", async () => {
    const stdin =
      "apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata: {name: out, namespace: out}\n";
    expect((await server.cli(["apply", "-f", "-", "-o", "name"], { stdin })).stdout).toBe(
      "network.networking.ironcore.dev/out\n",
    );
    const obj = parse((await server.cli(["apply", "-f", "-", "-o", "yaml"], { stdin })).stdout);
    expect(obj).toMatchObject({ kind: "Network", metadata: { name: "out", namespace: "out" } });
  });

  it("skips kinds this server does not serve with a warning", async () => {
    const stdin =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: ignition}\n---\napiVersion: storage.ironcore.dev/v1alpha1\nkind: Volume\nmetadata: {name: vol}\n";
    expect(await server.cli(["apply", "-f", "-"], { stdin })).toEqual({
      code: 0,
      stdout: "",
      stderr:
        'Warning: skipping v1/Secret "ignition": kind not served by this API\n' +
        'Warning: skipping storage.ironcore.dev/v1alpha1/Volume "vol": kind not served by this API\n',
    });
  });

  it("refuses a document whose namespace contradicts -n", async () => {
    const r = await server.cli(["apply", "-f", join(seedDir, "natgateway.yaml"), "-n", "other"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `the namespace from the provided object "default" does not match the namespace "other"`,
    );
  });

  it("applies a kustomization: namespace test, the Secret skipped with a warning", async () => {
    const r = await server.cli(["apply", "-k", join(fixtures, "machine-with-ephemeral-resources")]);
    const errors = r.stderr.split("\n").filter(Boolean);
    expect(errors[0]).toBe('Warning: skipping v1/Secret "ignition": kind not served by this API');
    expect(r.stdout).toContain("network.networking.ironcore.dev/network-sample created\n");
    expect(r.stdout).toContain("machine.compute.ironcore.dev/machine-sample created\n");
    const machine = parse(
      (await server.cli(["get", "machine", "machine-sample", "-n", "test", "-o", "yaml"])).stdout,
    );
    expect(machine.metadata.namespace).toBe("test");
    expect(machine.spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.spec.ips).toEqual([
      { value: "10.0.0.12" },
    ]);
    const net = await server.cli(["get", "net", "-n", "test", "-o", "name"]);
    expect(net.stdout).toBe("network.networking.ironcore.dev/network-sample\n");
    const again = await server.cli(["apply", "-k", join(fixtures, "machine-with-ephemeral-resources")]);
    expect(again.stdout).toContain("machine.compute.ironcore.dev/machine-sample unchanged");
  });

  it("creates a cluster-scoped MachineClass, ignoring the namespace kustomize or -n would give it", async () => {
    const stdin = [
      "apiVersion: compute.ironcore.dev/v1alpha1",
      "kind: MachineClass",
      "metadata: {name: machineclass-fresh, namespace: test}",
      "capabilities: {cpu: 2, memory: 8Gi}",
    ].join("\n");
    expect(await server.cli(["apply", "-f", "-", "-n", "test"], { stdin })).toEqual({
      code: 0,
      stdout: "machineclass.compute.ironcore.dev/machineclass-fresh created\n",
      stderr: "",
    });
    const mc = parse((await server.cli(["get", "mc", "machineclass-fresh", "-o", "yaml"])).stdout);
    expect(mc.metadata.namespace).toBeUndefined();
    expect(mc.capabilities).toEqual({ cpu: "2", memory: "8Gi" });
  });
});
