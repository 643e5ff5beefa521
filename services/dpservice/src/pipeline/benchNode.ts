// One dpservice data plane as its own process, for bench/dataplane.ts (two-process throughput):
//   node --import tsx services/dpservice/src/pipeline/benchNode.ts '<json BenchNodeSpec>'
// Prints "READY {...}" once its sockets are open, and "STATS {...}" then exits on SIGTERM.
import dgram from "node:dgram";
import { ipv6ToBigInt, parseIpv4, parseIpv6 } from "@ironcore-ts/packet";
import { createLogger } from "@ironcore-ts/runtime";
import { parseNodeUnderlay } from "../config.js";
import { parseFabricPeers } from "../fabric/underlayRegistry.js";
import { DataplaneState } from "../state/dataplaneState.js";
import { ipv6Addr, normalizePrefix, parseIpAddr } from "../state/ipAddr.js";
import { createInterface } from "../state/ops/interfaceOps.js";
import { createRoute } from "../state/ops/routeOps.js";
import { initialize } from "../state/ops/vniOps.js";
import { consecutivePciAddresses } from "../state/pciAddress.js";
import { startDataplane } from "./dataplane.js";
import { defaultDataplaneConfig } from "./dataplaneConfig.js";

export interface BenchNodeSpec {
  name: string;
  /** "fc00:1::/64" */
  underlay: string;
  fabricPort: number;
  /** Static peers: "fc00:2::/64=127.0.0.1:31900" */
  peers: string;
  vmPortBase: number;
  interfaces: { id: string; vni: number; vf: number; ipv4: string }[];
  routes: { vni: number; cidr: string; nextHop: string }[];
  /** Where VF i's machine listens, if known in advance (else learnt from its first frame). */
  machines?: { vf: number; host: string; port: number }[];
  /**
   * Baseline without the pipeline: VF 0's socket and the fabric socket just forward datagrams
   * (to the peer's fabric port / to the machine), to measure what the sockets alone allow.
   */
  relay?: { peerFabricPort: number; machinePort?: number };
}

const spec = JSON.parse(process.argv[2] ?? "{}") as BenchNodeSpec;
if (spec.relay) await relayMain(spec, spec.relay);

const logger = createLogger(spec.name, { level: "warn" });
const state = new DataplaneState({
  hostUnderlay: parseNodeUnderlay("bench", spec.underlay),
  vfNames: consecutivePciAddresses("0000:3b:00.2", 8),
  staticUnderlays: true,
});
initialize(state);
const underlays: Record<string, string> = {};
for (const i of spec.interfaces) {
  const iface = createInterface(state, {
    id: i.id,
    vni: i.vni,
    deviceName: state.vfs.all[i.vf]!.name,
    ipv4: parseIpv4(i.ipv4),
  });
  underlays[i.id] = iface.underlay.text;
}
for (const r of spec.routes) {
  const [addr = "", len = "0"] = r.cidr.split("/");
  createRoute(
    state,
    r.vni,
    normalizePrefix(parseIpAddr(addr, 4)!, Number(len)),
    r.vni,
    ipv6Addr(ipv6ToBigInt(parseIpv6(r.nextHop)!)),
  );
}
const dataplane = await startDataplane({
  state,
  logger,
  config: defaultDataplaneConfig({
    nodeName: spec.name,
    fabricPort: spec.fabricPort,
    fabricPeers: parseFabricPeers(spec.peers),
    vmPortBase: spec.vmPortBase,
    arpProbeIntervalMs: 0,
    socketBufferBytes: 16 * 1024 * 1024,
  }),
});
for (const i of spec.interfaces) await dataplane.ports.attach(i.vf);
for (const m of spec.machines ?? []) await dataplane.ports.attach(m.vf, { host: m.host, port: m.port });
process.stdout.write(
  `READY ${JSON.stringify({ underlays, vmPorts: spec.interfaces.map((i) => dataplane.ports.get(i.vf)!.port) })}\n`,
);

// SIGUSR2: a snapshot for steady-state accounting (CPU time and packets so far).
process.on("SIGUSR2", () => {
  const s = dataplane.stats();
  process.stdout.write(
    `MARK ${JSON.stringify({ processed: s.processedPackets, cpu: process.cpuUsage() })}\n`,
  );
});

process.on("SIGTERM", () => {
  const s = dataplane.stats();
  process.stdout.write(
    `STATS ${JSON.stringify({ processed: s.processedPackets, drops: s.drops, fabric: s.fabric, flows: s.flows, cpu: process.cpuUsage() })}\n`,
  );
  void dataplane.stop().then(() => process.exit(0));
});

/** The sockets-only baseline (see BenchNodeSpec.relay); never returns. */
async function relayMain(spec: BenchNodeSpec, relay: NonNullable<BenchNodeSpec["relay"]>): Promise<never> {
  const bind = async (port: number) => {
    const s = dgram.createSocket({ type: "udp4", recvBufferSize: 16 * 1024 * 1024 });
    await new Promise<void>((r) => s.bind(port, "127.0.0.1", () => r()));
    return s;
  };
  const vm = await bind(spec.vmPortBase);
  const fabric = await bind(spec.fabricPort);
  const toPeer = dgram.createSocket("udp4");
  await new Promise<void>((r) => toPeer.connect(relay.peerFabricPort, "127.0.0.1", () => r()));
  let processed = 0;
  vm.on("message", (msg) => {
    processed++;
    toPeer.send(msg);
  });
  if (relay.machinePort !== undefined) {
    const toMachine = dgram.createSocket("udp4");
    await new Promise<void>((r) => toMachine.connect(relay.machinePort!, "127.0.0.1", () => r()));
    fabric.on("message", (msg) => {
      processed++;
      toMachine.send(msg);
    });
  }
  process.stdout.write(`READY ${JSON.stringify({ vmPorts: [vm.address().port] })}\n`);
  process.on("SIGUSR2", () => {
    process.stdout.write(`MARK ${JSON.stringify({ processed, cpu: process.cpuUsage() })}\n`);
  });
  process.on("SIGTERM", () => {
    process.stdout.write(`STATS ${JSON.stringify({ processed, cpu: process.cpuUsage() })}\n`);
    process.exit(0);
  });
  return new Promise<never>(() => {});
}
