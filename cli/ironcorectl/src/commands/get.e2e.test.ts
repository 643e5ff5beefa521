import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startTestServer, type TestServer, until } from "../testServer.js";

const network = (name: string, ns: string, extra = "") =>
  `apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata: {name: ${name}, namespace: ${ns}}\n${extra}---\n`;
const nic = (name: string, ns: string) =>
  [
    "apiVersion: networking.ironcore.dev/v1alpha1",
    "kind: NetworkInterface",
    `metadata: {name: ${name}, namespace: ${ns}, labels: {app: web}}`,
    "spec:",
    "  networkRef: {name: net-a}",
    "  ipFamilies: [IPv4]",
    "  ips: [{value: 10.0.0.1}]",
    "---",
  ].join("\n");

/** Splits table output into rows of cells (cells never contain spaces here). */
const cells = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.split(/ {3,}/));

describe("get / describe / api-resources (end to end)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const stdin =
      network("net-a", "get1", "spec: {peerings: [{name: p1, networkRef: {name: net-b}}]}\n") +
      network("net-b", "get1") +
      network("net-c", "get2") +
      nic("nic-a", "get1");
    const r = await server.cli(["apply", "-f", "-"], { stdin });
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("prints a table with NAME, the kind's columns and AGE, 3 spaces apart", async () => {
    const r = await server.cli(["get", "nic", "-n", "get1"]);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split("\n");
    expect(header).toBe("NAME    NETWORK   MACHINE   IPS      VIRTUALIP   STATE     AGE");
    expect(row).toMatch(/^nic-a {3}net-a {5}<none> {4}<none> {3}<none> {6}Pending {3}\d+s$/);
  });

  it("shows wide columns, all namespaces and labels on request", async () => {
    const wide = cells((await server.cli(["get", "net", "-n", "get1", "-o", "wide"])).stdout);
    expect(wide[0]).toEqual(["NAME", "STATE", "PROVIDER-ID", "PEERINGS", "AGE"]);
    expect(wide[1]!.slice(0, 4)).toEqual(["net-a", "<none>", "<none>", "p1"]);
    const all = cells((await server.cli(["get", "networks", "-A"])).stdout);
    expect(all[0]).toEqual(["NAMESPACE", "NAME", "STATE", "AGE"]);
    expect(all.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(["get1/net-a", "get1/net-b", "get2/net-c"]);
    const labelled = cells(
      (await server.cli(["get", "nic", "-n", "get1", "--show-labels", "-l", "app=web"])).stdout,
    );
    expect(labelled[0]!.at(-1)).toBe("LABELS");
    expect(labelled[1]!.at(-1)).toBe("app=web");
  });

  it("resolves every short name, plural and kind name the server reports", async () => {
    const r = await server.cli(["api-resources"]);
    const rows = cells(r.stdout).slice(1);
    expect(rows.length).toBeGreaterThan(5);
    for (const [plural, shortNames, , , kind] of rows.map((row) =>
      row.length === 4 ? [row[0], "", ...row.slice(1)] : row,
    )) {
      for (const name of [plural!, kind!, kind!.toLowerCase(), ...shortNames!.split(",").filter(Boolean)]) {
        const got = await server.cli(["get", name, "-A", "-o", "name"]);
        expect(got.code, `${name}: ${got.stderr}`).toBe(0);
      }
    }
  });

  it("lists the kinds like kubectl api-resources", async () => {
    const r = await server.cli(["api-resources"]);
    const rows = cells(r.stdout);
    expect(rows[0]).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    expect(rows).toContainEqual([
      "networkinterfaces",
      "nic",
      "networking.ironcore.dev/v1alpha1",
      "true",
      "NetworkInterface",
    ]);
    expect(rows).toContainEqual([
      "loadbalancerroutings",
      "lbr,lbrt",
      "networking.ironcore.dev/v1alpha1",
      "true",
      "LoadBalancerRouting",
    ]);
  });

  it("prints one object as YAML, several as a List", async () => {
    const one = parse((await server.cli(["get", "net", "net-a", "-n", "get1", "-o", "yaml"])).stdout);
    expect(Object.keys(one)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(one.spec.peerings).toEqual([{ name: "p1", networkRef: { name: "net-b" } }]);
    const many = JSON.parse((await server.cli(["get", "net", "-n", "get1", "-o", "json"])).stdout);
    expect(many.kind).toBe("List");
    expect(many.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([
      "net-a",
      "net-b",
    ]);
    const named = await server.cli(["get", "net/net-a", "network/net-b", "-n", "get1", "-o", "name"]);
    expect(named.stdout).toBe(
      "network.networking.ironcore.dev/net-a\nnetwork.networking.ironcore.dev/net-b\n",
    );
  });

  it("prints several kinds as separate tables with qualified names", async () => {
    const r = await server.cli(["get", "net,nic", "-n", "get1"]);
    const tables = r.stdout.split("\n\n");
    expect(tables).toHaveLength(2);
    expect(tables[0]).toContain("network.networking.ironcore.dev/net-a");
    expect(tables[1]).toContain("networkinterface.networking.ironcore.dev/nic-a");
  });

  it("reports NotFound like kubectl and still prints what exists", async () => {
    const r = await server.cli(["get", "net", "net-a", "nope", "-n", "get1", "-o", "name"]);
    expect(r).toEqual({
      code: 1,
      stdout: "network.networking.ironcore.dev/net-a\n",
      stderr: 'Error from server (NotFound): networks.networking.ironcore.dev "nope" not found\n',
    });
  });

  it("says when nothing is there", async () => {
    expect(await server.cli(["get", "vip", "-n", "empty"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "No resources found in empty namespace.\n",
    });
    expect((await server.cli(["get", "pods"])).stderr).toBe(
      'error: the server doesn\'t have a resource type "pods"\n',
    );
  });

  it("watches: prints the table, then a row per change", async () => {
    const abort = new AbortController();
    const watch = server.start(["get", "net", "-n", "get2", "-w"], { signal: abort.signal });
    await until(() => watch.output().stdout.includes("net-c"));
    await server.cli(["apply", "-f", "-"], { stdin: network("net-d", "get2") });
    await until(() => watch.output().stdout.includes("net-d"));
    abort.abort();
    const r = await watch.result;
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME {4}STATE {4}AGE$/);
    expect(lines[1]).toMatch(/^net-c {3}<none> {3}\d+s$/);
    expect(lines[2]).toMatch(/^net-d {3}<none> {3}\d+s$/);
    expect(lines).toHaveLength(3);
  });

  it("--watch-only prints changes only", async () => {
    const abort = new AbortController();
    const watch = server.start(["get", "net", "-n", "get3", "--watch-only", "-o", "name"], {
      signal: abort.signal,
    });
    await server.cli(["apply", "-f", "-"], { stdin: network("net-e", "get3") });
    await until(() => watch.output().stdout.includes("net-e"));
    abort.abort();
    expect((await watch.result).stdout).toBe("network.networking.ironcore.dev/net-e\n");
  });

  it("describes an object", async () => {
    const r = await server.cli(["describe", "nic", "nic-a", "-n", "get1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name: +nic-a\nNamespace: +get1\nLabels: +app=web\nAnnotations: +<none>\n/);
    expect(r.stdout).toContain("Kind:         NetworkInterface\n");
    expect(r.stdout).toContain(
      "Spec:\n  ipFamilies:\n  - IPv4\n  ips:\n  - value: 10.0.0.1\n  networkRef:\n    name: net-a\n",
    );
    expect(r.stdout).toContain("Status:\n  state: Pending\n");
    expect((await server.cli(["describe", "nic", "nope", "-n", "get1"])).stderr).toBe(
      'Error from server (NotFound): networkinterfaces.networking.ironcore.dev "nope" not found\n',
    );
  });
});
