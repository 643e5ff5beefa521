import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Manifest } from "./documents.js";
import { buildKustomization, type KustomizeOptions } from "./kustomization.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "test-fixtures");
const clusterScoped = new Set(["MachineClass", "MachinePool"]);

function options(warnings: string[] = []): KustomizeOptions {
  return { isNamespaced: (_apiVersion, kind) => !clusterScoped.has(kind), warn: (m) => warnings.push(m) };
}

/** Writes files under a fresh temporary directory and returns it. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ironcorectl-kustomize-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

function find(ms: Manifest[], kind: string): Record<string, unknown> {
  const m = ms.find((x) => x.object.kind === kind);
  if (!m) throw new Error(`no ${kind}`);
  return m.object;
}

const net = "apiVersion: networking.ironcore.dev/v1alpha1\nkind: Network\nmetadata:\n  name: net\n";
const nic = [
  "apiVersion: networking.ironcore.dev/v1alpha1",
  "kind: NetworkInterface",
  "metadata: {name: nic, namespace: elsewhere, labels: {app: web}}",
  "spec:",
  "  networkRef: {name: net}",
  "  ipFamilies: [IPv4]",
  "  ips: [{value: 10.0.0.1}]",
  "  virtualIP: {virtualIPRef: {name: vip-not-in-set}}",
].join("\n");
const machine = [
  "apiVersion: compute.ironcore.dev/v1alpha1",
  "kind: Machine",
  "metadata: {name: m}",
  "spec:",
  "  machineClassRef: {name: class}",
  "  machinePoolRef: {name: pool-not-in-set}",
  "  networkInterfaces:",
  "  - name: primary",
  "    ephemeral: {networkInterfaceTemplate: {spec: {networkRef: {name: net}}}}",
  "  - name: secondary",
  "    networkInterfaceRef: {name: nic}",
].join("\n");
const machineClass =
  "apiVersion: compute.ironcore.dev/v1alpha1\nkind: MachineClass\nmetadata: {name: class}\n";

describe("buildKustomization", () => {
  it("gathers resources from files and nested kustomizations, in order", async () => {
    const root = await tree({
      "kustomization.yaml": "resources:\n- base\n- network.yaml\n",
      "network.yaml": net,
      "base/kustomization.yml": "resources: [nic.yaml, deeper]\n",
      "base/nic.yaml": nic,
      "base/deeper/Kustomization": "resources: [class.yaml]\n",
      "base/deeper/class.yaml": machineClass,
    });
    const ms = await buildKustomization(root, options());
    expect(ms.map((m) => m.object.kind)).toEqual(["NetworkInterface", "MachineClass", "Network"]);
    expect(ms[0]!.source).toBe(join(root, "base", "nic.yaml"));
  });

  it("sets namespace on namespaced objects only, overriding the one in the file", async () => {
    const root = await tree({
      "kustomization.yaml": "namespace: test\nresources: [n.yaml, nic.yaml, c.yaml]\n",
      "n.yaml": net,
      "nic.yaml": nic,
      "c.yaml": machineClass,
    });
    const ms = await buildKustomization(root, options());
    expect((find(ms, "Network").metadata as { namespace?: string }).namespace).toBe("test");
    expect((find(ms, "NetworkInterface").metadata as { namespace?: string }).namespace).toBe("test");
    expect(find(ms, "MachineClass").metadata).toEqual({ name: "class" });
  });

  it("prefixes and suffixes names and the references to objects in the set", async () => {
    const root = await tree({
      "kustomization.yaml":
        "namePrefix: dev-\nnameSuffix: -1\nresources: [n.yaml, nic.yaml, m.yaml, c.yaml]\n",
      "n.yaml": net,
      "nic.yaml": nic,
      "m.yaml": machine,
      "c.yaml": machineClass,
    });
    const ms = await buildKustomization(root, options());
    expect(ms.map((m) => (m.object.metadata as { name: string }).name)).toEqual([
      "dev-net-1",
      "dev-nic-1",
      "dev-m-1",
      "dev-class-1",
    ]);
    const nicSpec = find(ms, "NetworkInterface").spec as Record<
      string,
      { name?: string; virtualIPRef?: { name: string } }
    >;
    expect(nicSpec.networkRef!.name).toBe("dev-net-1");
    // Not in the set: left alone.
    expect(nicSpec.virtualIP!.virtualIPRef!.name).toBe("vip-not-in-set");
    const machineSpec = find(ms, "Machine").spec as {
      machineClassRef: { name: string };
      machinePoolRef: { name: string };
      networkInterfaces: [
        { ephemeral: { networkInterfaceTemplate: { spec: { networkRef: { name: string } } } } },
        { networkInterfaceRef: { name: string } },
      ];
    };
    expect(machineSpec.machineClassRef.name).toBe("dev-class-1");
    expect(machineSpec.machinePoolRef.name).toBe("pool-not-in-set");
    expect(machineSpec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.spec.networkRef.name).toBe(
      "dev-net-1",
    );
    expect(machineSpec.networkInterfaces[1].networkInterfaceRef.name).toBe("dev-nic-1");
  });

  it("composes prefixes of nested kustomizations, keeping references consistent", async () => {
    const root = await tree({
      "kustomization.yaml": "namePrefix: outer-\nresources: [inner, n.yaml]\n",
      "n.yaml": net,
      "inner/kustomization.yaml": "namePrefix: inner-\nresources: [nic.yaml]\n",
      "inner/nic.yaml": nic,
    });
    const ms = await buildKustomization(root, options());
    expect((find(ms, "NetworkInterface").metadata as { name: string }).name).toBe("outer-inner-nic");
    // The inner kustomization does not contain the network, so only the outer prefix applies.
    expect((find(ms, "NetworkInterface").spec as { networkRef: { name: string } }).networkRef.name).toBe(
      "outer-net",
    );
  });

  it("adds commonLabels and commonAnnotations to metadata, keeping existing labels", async () => {
    const root = await tree({
      "kustomization.yaml":
        "commonLabels: {env: dev}\ncommonAnnotations: {owner: team-a}\nresources: [nic.yaml]\n",
      "nic.yaml": nic,
    });
    const [m] = await buildKustomization(root, options());
    const meta = m!.object.metadata as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
    expect(meta.labels).toEqual({ app: "web", env: "dev" });
    expect(meta.annotations).toEqual({ owner: "team-a" });
  });

  it("warns about fields it does not support and carries on", async () => {
    const root = await tree({
      "kustomization.yaml":
        "resources: [n.yaml]\npatches:\n- path: p.yaml\nsecretGenerator:\n- name: ignition\nimages: []\n",
      "n.yaml": net,
    });
    const warnings: string[] = [];
    const ms = await buildKustomization(root, options(warnings));
    expect(ms).toHaveLength(1);
    expect(warnings).toEqual([
      'Warning: kustomization field "patches" is not supported; ignored',
      'Warning: kustomization field "secretGenerator" is not supported; ignored',
      'Warning: kustomization field "images" is not supported; ignored',
    ]);
  });

  it("builds the machine-with-ephemeral-resources fixture into namespace test", async () => {
    const ms = await buildKustomization(join(fixtures, "machine-with-ephemeral-resources"), options());
    expect(ms.map((m) => `${m.object.kind}/${(m.object.metadata as { name: string }).name}`)).toEqual([
      "Secret/ignition",
      "MachineClass/machineclass-sample",
      "Network/network-sample",
      "Machine/machine-sample",
    ]);
    expect((find(ms, "Machine").metadata as { namespace: string }).namespace).toBe("test");
  });

  it("explains what is missing or wrong", async () => {
    const empty = await tree({ "x.txt": "" });
    await expect(buildKustomization(empty, options())).rejects.toThrow(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${empty}'`,
    );
    const missing = await tree({ "kustomization.yaml": "resources: [nope.yaml]\n" });
    await expect(buildKustomization(missing, options())).rejects.toThrow(
      '"nope.yaml": no such file or directory',
    );
    const cycle = await tree({
      "kustomization.yaml": "resources: [sub]\n",
      "sub/kustomization.yaml": "resources: [..]\n",
    });
    await expect(buildKustomization(cycle, options())).rejects.toThrow("cycle in kustomizations");
    const twice = await tree({
      "kustomization.yaml": "resources: [n.yaml, m.yaml]\n",
      "n.yaml": net,
      "m.yaml": net,
    });
    await expect(buildKustomization(twice, options())).rejects.toThrow("already registered id");
  });
});
