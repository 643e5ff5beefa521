import { Readable } from "node:stream";
import type { KindInfo } from "./kindResolver.js";
import { runCli } from "./main.js";

/** What a user would see from one run: exit code and both streams. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A run still going (a watch): its output so far, and its result once it ends. */
export interface LiveRun {
  output(): { stdout: string; stderr: string };
  result: Promise<CliRun>;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Starts ironcorectl in-process with captured output (test helper). */
export function start(argv: readonly string[], options: RunOptions = {}): LiveRun {
  let stdout = "";
  let stderr = "";
  const result = runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([options.stdin ?? ""]),
    env: options.env ?? {},
    signal: options.signal,
  }).then((code) => ({ code, stdout, stderr }));
  return { output: () => ({ stdout, stderr }), result };
}

/** Runs ironcorectl in-process to the end (test helper). */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return start(argv, options).result;
}

const v1alpha1 = "v1alpha1";

function kind(
  group: string,
  k: string,
  plural: string,
  shortNames: string[],
  extra: Partial<KindInfo> = {},
): KindInfo {
  return {
    group,
    version: v1alpha1,
    apiVersion: `${group}/${v1alpha1}`,
    kind: k,
    plural,
    singular: k.toLowerCase(),
    shortNames,
    namespaced: true,
    hasStatus: true,
    columns: [],
    ...extra,
  };
}

const networking = "networking.ironcore.dev";
const compute = "compute.ironcore.dev";

/** The kinds ironcore-api's Discover reports (names and scopes), for tests without a server. */
export const testKinds: KindInfo[] = [
  kind(networking, "Network", "networks", ["net"], {
    columns: [
      { name: "STATE", jsonPath: ".status.state", priority: 0 },
      { name: "PROVIDER-ID", jsonPath: ".spec.providerID", priority: 1 },
      { name: "PEERINGS", jsonPath: ".spec.peerings[*].name", priority: 1 },
    ],
  }),
  kind(networking, "NetworkInterface", "networkinterfaces", ["nic"], {
    columns: [
      { name: "NETWORK", jsonPath: ".spec.networkRef.name", priority: 0 },
      { name: "MACHINE", jsonPath: ".spec.machineRef.name", priority: 0 },
      { name: "IPS", jsonPath: ".status.ips", priority: 0 },
      { name: "VIRTUALIP", jsonPath: ".status.virtualIP", priority: 0 },
      { name: "STATE", jsonPath: ".status.state", priority: 0 },
      { name: "PROVIDER-ID", jsonPath: ".spec.providerID", priority: 1 },
    ],
  }),
  kind(networking, "VirtualIP", "virtualips", ["vip"]),
  kind(networking, "NATGateway", "natgateways", ["ngw"]),
  kind(networking, "LoadBalancer", "loadbalancers", ["lb"]),
  kind(networking, "LoadBalancerRouting", "loadbalancerroutings", ["lbr", "lbrt"], { hasStatus: false }),
  kind(networking, "NetworkPolicy", "networkpolicies", ["netpol"]),
  kind(compute, "Machine", "machines", ["ma"]),
  kind(compute, "MachineClass", "machineclasses", ["mc"], { namespaced: false, hasStatus: false }),
  kind(compute, "MachinePool", "machinepools", ["mp"], { namespaced: false }),
  kind("ipam.ironcore.dev", "Prefix", "prefixes", []),
];
