// Throughput of the dpservice packet pipeline.
//   node --import tsx bench/dataplane.ts            (a) in-process, then (b) two processes
//   node --import tsx bench/dataplane.ts --in-process | --two-process [--seconds 5]
//
// (a) In-process, single core: Pipeline.fromVf / fromFabric on established flows (1024 flows, a
//     ring of 1024 buffers), 64- and 1400-byte frames, into a sink that only counts. Each packet is
//     first copied into its receive buffer (what a NIC's DMA would do; the pipeline rewrites in
//     place), so the numbers include that copy. CPU time of this process, best of 5 rounds.
//     Target: >= 1.5 Mpps for 64 B.
// (b) Two processes: two dpservice data planes (services/dpservice/src/pipeline/benchNode.ts),
//     a sender process playing machine vm1 on node1 and this process playing vm2 on node2:
//       sender -UDP-> node1 VM port -> pipeline, encapsulation -UDP fabric-> node2 -> decapsulation
//       -> node2 VM port -UDP-> receiver
//     Throughput = frames delivered to the receiver per second of wall time. Target: >= 200 kpps.
// Prints a summary table and a JSON document (last line).

import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { fileURLToPath } from "node:url";
import {
  buildPacket,
  encapsulate,
  ipv6ToBigInt,
  isDrop,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  TcpFlag,
} from "../libs/packet/src/index.js";
import { ManualClock } from "../services/dpservice/src/pipeline/clock.js";
import type { PacketSink } from "../services/dpservice/src/pipeline/packetSink.js";
import { Pipeline } from "../services/dpservice/src/pipeline/pipeline.js";
import { DataplaneState } from "../services/dpservice/src/state/dataplaneState.js";
import { ipv4Addr, ipv6Addr, normalizePrefix } from "../services/dpservice/src/state/ipAddr.js";
import { createInterface } from "../services/dpservice/src/state/ops/interfaceOps.js";
import { createNat } from "../services/dpservice/src/state/ops/natOps.js";
import { createRoute } from "../services/dpservice/src/state/ops/routeOps.js";
import { initialize } from "../services/dpservice/src/state/ops/vniOps.js";
import { consecutivePciAddresses } from "../services/dpservice/src/state/pciAddress.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};

// ------------------------------------------------------------------------------------------------
// (a) in-process

const RING = 1024;
const VM_MAC = parseMac("52:54:00:12:34:56")!;
const REMOTE_HOP = parseIpv6("fc00:2::d000:1:0:1")!;
const ROUTER = parseIpv6("fc00:ffff::1")!;

interface InProcessResult {
  scenario: string;
  frameBytes: number;
  mpps: number;
  nsPerPacket: number;
  gbps: number;
}

class CountingSink implements PacketSink {
  vf = 0;
  fabric = 0;
  toVf(): boolean {
    this.vf++;
    return true;
  }
  toFabric(): boolean {
    this.fabric++;
    return true;
  }
}

function tcpFrame(
  size: number,
  src: string,
  dst: string,
  srcPort: number,
  flags: number,
  portMac: Uint8Array,
): Uint8Array {
  const payload = new Uint8Array(Math.max(0, size - 14 - 20 - 20)).fill(srcPort & 0xff);
  return buildPacket({
    ethernet: { src: VM_MAC, dst: portMac },
    ip: { version: 4, src: parseIpv4(src)!, dst: parseIpv4(dst)! },
    l4: { kind: "tcp", srcPort, dstPort: 80, seq: 1, ack: 1, flags, payload },
  });
}

function setupInProcess() {
  const state = new DataplaneState({
    hostUnderlay: parseIpv6("fc00:1::1")!,
    vfNames: consecutivePciAddresses("0000:3b:00.2", 8),
    staticUnderlays: true,
  });
  initialize(state);
  const vm1 = createInterface(state, {
    id: "vm1",
    vni: 100,
    deviceName: state.vfs.all[0]!.name,
    ipv4: parseIpv4("10.0.0.1"),
  });
  createInterface(state, {
    id: "vm2",
    vni: 100,
    deviceName: state.vfs.all[1]!.name,
    ipv4: parseIpv4("10.0.0.2"),
  });
  createInterface(state, {
    id: "vm3",
    vni: 300,
    deviceName: state.vfs.all[2]!.name,
    ipv4: parseIpv4("10.0.0.3"),
  });
  createNat(state, "vm3", { ip: ipv4Addr(parseIpv4("45.86.6.100")!), minPort: 1024, maxPort: 65535 });
  createRoute(
    state,
    100,
    normalizePrefix(ipv4Addr(parseIpv4("10.1.0.0")!), 16),
    100,
    ipv6Addr(ipv6ToBigInt(REMOTE_HOP)),
  );
  createRoute(state, 300, normalizePrefix(ipv4Addr(0), 0), 300, ipv6Addr(ipv6ToBigInt(ROUTER)));
  const sink = new CountingSink();
  const pipeline = new Pipeline({ state, sink, clock: new ManualClock() });
  return { sink, pipeline, vm1Underlay: vm1.underlay.bytes };
}

/** CPU ns per call of `body`, best of 5 rounds after a warm-up. */
function measure(iterations: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 300_000); i++) body(i);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) body(i);
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / iterations);
  }
  return best;
}

function inProcess(): InProcessResult[] {
  const results: InProcessResult[] = [];
  const N = Number(arg("--packets", "1000000"));
  for (const size of [64, 1400]) {
    const { sink, pipeline: p, vm1Underlay } = setupInProcess();
    const port0 = p.macs.port[0]!;
    const port2 = p.macs.port[2]!;
    const remote = (i: number) => `10.1.${(i >> 8) & 0xff}.${i & 0xff}`;
    // Establish 1024 TCP flows vm1 -> 10.1.x.y:80 with a real handshake (SYN-ACK from the fabric).
    for (let i = 0; i < RING; i++) {
      p.fromVf(0, tcpFrame(size, "10.0.0.1", remote(i), 20000 + i, TcpFlag.SYN, port0));
      const synAck = buildPacket({
        ip: { version: 4, src: parseIpv4(remote(i))!, dst: parseIpv4("10.0.0.1")! },
        l4: {
          kind: "tcp",
          srcPort: 80,
          dstPort: 20000 + i,
          flags: TcpFlag.SYN | TcpFlag.ACK,
          seq: 1,
          ack: 2,
        },
      });
      p.fromFabric(encapsulate(synAck, { src: REMOTE_HOP, dst: vm1Underlay }));
      p.fromVf(0, tcpFrame(size, "10.0.0.1", remote(i), 20000 + i, TcpFlag.ACK, port0));
    }
    const established = [...p.conntrack.flows()].filter((f) => f.tcpState === 3).length;
    if (established !== RING) throw new Error(`only ${established} flows established`);

    const scenario = (
      name: string,
      templates: Uint8Array[],
      send: (buf: Uint8Array) => void,
      check: () => number,
    ) => {
      const bufs = templates.map((t) => t.slice());
      const before = check();
      const ns = measure(N, (i) => {
        const slot = i & (RING - 1);
        const buf = bufs[slot]!;
        buf.set(templates[slot]!);
        send(buf);
      });
      const delivered = check() - before;
      if (delivered < N) throw new Error(`${name}: ${delivered} of ${N} packets came out`);
      results.push({
        scenario: name,
        frameBytes: size,
        mpps: 1000 / ns,
        nsPerPacket: ns,
        gbps: (size * 8) / ns,
      });
    };

    // VF -> remote VM: conntrack hit, cached route, encapsulation into the send buffer.
    const out = Array.from({ length: RING }, (_, i) =>
      tcpFrame(size, "10.0.0.1", remote(i), 20000 + i, TcpFlag.ACK, port0),
    );
    scenario(
      "vf->fabric (encap)",
      out,
      (b) => p.fromVf(0, b),
      () => sink.fabric,
    );

    // Remote VM -> VF: decapsulation, underlay lookup, conntrack hit (reply), Ethernet header in place.
    const back = Array.from({ length: RING }, (_, i) =>
      encapsulate(
        buildPacket({
          ip: { version: 4, src: parseIpv4(remote(i))!, dst: parseIpv4("10.0.0.1")! },
          l4: {
            kind: "tcp",
            srcPort: 80,
            dstPort: 20000 + i,
            flags: TcpFlag.ACK,
            seq: 2,
            ack: 2,
            payload: new Uint8Array(Math.max(0, size - 54)),
          },
        }),
        { src: REMOTE_HOP, dst: vm1Underlay },
      ),
    );
    scenario(
      "fabric->vf (decap)",
      back,
      (b) => p.fromFabric(b),
      () => sink.vf,
    );

    // VF -> VF on the same node: MACs rewritten in place.
    const local = Array.from({ length: RING }, (_, i) =>
      tcpFrame(size, "10.0.0.1", "10.0.0.2", 30000 + i, TcpFlag.ACK, port0),
    );
    scenario(
      "vf->vf (local)",
      local,
      (b) => p.fromVf(0, b),
      () => sink.vf,
    );

    // South-north through the NAT gateway: source address and port rewritten, encapsulated to the router.
    const natted = Array.from({ length: RING }, (_, i) =>
      tcpFrame(size, "10.0.0.3", `8.8.${(i >> 8) & 0xff}.${i & 0xff}`, 40000 + i, TcpFlag.ACK, port2),
    );
    scenario(
      "vf->fabric with NAT",
      natted,
      (b) => p.fromVf(2, b),
      () => sink.fabric,
    );
  }
  return results;
}

// ------------------------------------------------------------------------------------------------
// (b) two processes

interface TwoProcessResult {
  /** "pipeline", or "sockets-only" (the same processes forwarding datagrams without the pipeline). */
  mode: string;
  frameBytes: number;
  seconds: number;
  sentPps: number;
  deliveredPps: number;
  lossPercent: number;
  /** Steady-state CPU time per packet in node1 and node2 (µs), measured during the window. */
  cpuPerPacketUs: number[];
  /** What the slower node would forward with a core to itself: 1000 / max(cpuPerPacketUs). */
  perCoreKpps: number;
  nodes: unknown[];
}

const here = fileURLToPath(import.meta.url);
const benchNode = fileURLToPath(new URL("../services/dpservice/src/pipeline/benchNode.ts", import.meta.url));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    timer.unref();
    p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    }, reject);
  });
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Mark {
  processed: number;
  cpu: { user: number; system: number };
}

interface BenchChild {
  child: ChildProcess;
  ready: Promise<Record<string, unknown>>;
  stats: Promise<unknown>;
  /** Asks for a MARK snapshot (SIGUSR2) and resolves with it. */
  mark(): Promise<Mark>;
  /** Created at spawn, so an exit before anyone waits is not missed. */
  exited: Promise<void>;
}

function startProcess(script: string, spec: unknown): BenchChild {
  // --profile DIR: CPU profiles of the child processes (node --cpu-prof) land in DIR.
  const profile = arg("--profile", "");
  const flags = profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : [];
  const child = spawn(process.execPath, [...flags, "--import", "tsx", script, JSON.stringify(spec)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buffer = "";
  let resolveReady: (v: Record<string, unknown>) => void = () => {};
  let resolveStats: (v: unknown) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((r) => {
    resolveReady = r;
  });
  const stats = new Promise<unknown>((r) => {
    resolveStats = r;
  });
  let resolveMark: (m: Mark) => void = () => {};
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith("READY ")) resolveReady(JSON.parse(line.slice(6)) as Record<string, unknown>);
      if (line.startsWith("STATS ")) resolveStats(JSON.parse(line.slice(6)));
      if (line.startsWith("MARK ")) resolveMark(JSON.parse(line.slice(5)) as Mark);
      nl = buffer.indexOf("\n");
    }
  });
  const mark = () =>
    new Promise<Mark>((r) => {
      resolveMark = r;
      child.kill("SIGUSR2");
    });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGTERM") {
        console.error(`${script} exited with ${code ?? signal}`);
        process.exit(1);
      }
      resolve();
    });
  });
  return { child, ready: withTimeout(ready, 120_000, "READY"), stats, mark, exited };
}

async function twoProcess(size: number, seconds: number, relay = false): Promise<TwoProcessResult> {
  const [f1, f2, v1, v2] = [
    await freeUdpPort(),
    await freeUdpPort(),
    await freeUdpPort(),
    await freeUdpPort(),
  ];
  const receiver = dgram.createSocket({ type: "udp4", recvBufferSize: 16 * 1024 * 1024 });
  await new Promise<void>((r) => receiver.bind(0, "127.0.0.1", () => r()));
  let received = 0;
  receiver.on("message", () => {
    received++;
  });
  // Static underlays: each node's first interface is <prefix>::d000:1:0:1.
  const node1 = startProcess(benchNode, {
    name: "bench-node1",
    underlay: "fc00:1::/64",
    fabricPort: f1,
    peers: `fc00:2::/64=127.0.0.1:${f2}`,
    vmPortBase: v1,
    interfaces: [{ id: "vm1", vni: 100, vf: 0, ipv4: "10.0.0.1" }],
    routes: [{ vni: 100, cidr: "10.0.0.2/32", nextHop: "fc00:2::d000:1:0:1" }],
    relay: relay ? { peerFabricPort: f2 } : undefined,
  });
  const node2 = startProcess(benchNode, {
    name: "bench-node2",
    underlay: "fc00:2::/64",
    fabricPort: f2,
    peers: `fc00:1::/64=127.0.0.1:${f1}`,
    vmPortBase: v2,
    interfaces: [{ id: "vm2", vni: 100, vf: 0, ipv4: "10.0.0.2" }],
    routes: [{ vni: 100, cidr: "10.0.0.1/32", nextHop: "fc00:1::d000:1:0:1" }],
    machines: [{ vf: 0, host: "127.0.0.1", port: receiver.address().port }],
    relay: relay ? { peerFabricPort: f1, machinePort: receiver.address().port } : undefined,
  });
  await Promise.all([node1.ready, node2.ready]);
  const sender = startProcess(here, { role: "sender", port: v1, size, seconds: seconds + 1 });
  await sender.ready;
  // Measure after a 1 s warm-up (JIT, flows set up), for `seconds`.
  await new Promise((r) => setTimeout(r, 1000));
  const m0 = await Promise.all([node1.mark(), node2.mark()]);
  const r0 = received;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const r1 = received;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m1 = await Promise.all([node1.mark(), node2.mark()]);
  // Steady state per node: CPU microseconds per packet handled (receive, pipeline, send).
  const cpuPerPacketUs = m1.map((m, i) => {
    const cpu = m.cpu.user + m.cpu.system - (m0[i]!.cpu.user + m0[i]!.cpu.system);
    return cpu / Math.max(1, m.processed - m0[i]!.processed);
  });
  const senderStats = (await sender.stats) as { sent: number; seconds: number };
  await sender.exited;
  node1.child.kill("SIGTERM");
  node2.child.kill("SIGTERM");
  const nodes = await Promise.all([node1.stats, node2.stats]);
  await Promise.all([node1.exited, node2.exited]);
  receiver.close();
  const sentPps = senderStats.sent / senderStats.seconds;
  const deliveredPps = (r1 - r0) / wall;
  return {
    mode: relay ? "sockets-only" : "pipeline",
    frameBytes: size,
    seconds: wall,
    sentPps,
    deliveredPps,
    lossPercent: Math.max(0, 100 * (1 - received / senderStats.sent)),
    cpuPerPacketUs,
    perCoreKpps: 1000 / Math.max(...cpuPerPacketUs),
    nodes,
  };
}

/** The sender child: machine vm1 blasting UDP frames (64 flows) at node1's VM port. */
async function senderMain(spec: { port: number; size: number; seconds: number }): Promise<void> {
  const socket = dgram.createSocket({ type: "udp4", sendBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => socket.connect(spec.port, "127.0.0.1", () => r()));
  // The gateway MAC does not matter to dpservice; use a fixed one.
  const frames = Array.from({ length: 64 }, (_, i) =>
    Buffer.from(
      buildPacket({
        ethernet: { src: VM_MAC, dst: parseMac("02:d0:00:00:00:00")! },
        ip: { version: 4, src: parseIpv4("10.0.0.1")!, dst: parseIpv4("10.0.0.2")! },
        l4: {
          kind: "udp",
          srcPort: 10000 + i,
          dstPort: 5001,
          payload: new Uint8Array(Math.max(0, spec.size - 14 - 20 - 8)),
        },
      }),
    ),
  );
  const f = parseFrame(frames[0]!);
  if (isDrop(f)) throw new Error("bad frame");
  process.stdout.write("READY {}\n");
  let sent = 0;
  let inFlight = 0;
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(spec.seconds * 1e9));
  const done = () => {
    inFlight--;
  };
  while (process.hrtime.bigint() < deadline) {
    // Bounded in-flight sends: the socket buffer, not the JS heap, absorbs bursts.
    for (let i = 0; i < 256 && inFlight < 4096; i++) {
      inFlight++;
      socket.send(frames[sent & 63]!, done);
      sent++;
    }
    await new Promise((r) => setImmediate(r));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`STATS ${JSON.stringify({ sent, seconds })}\n`);
  socket.close();
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (args[0]?.startsWith("{")) {
    const spec = JSON.parse(args[0]) as { role: string; port: number; size: number; seconds: number };
    if (spec.role === "sender") await senderMain(spec);
    return;
  }
  const doA = !args.includes("--two-process");
  const doB = !args.includes("--in-process");
  const out: { inProcess?: InProcessResult[]; twoProcess?: TwoProcessResult[]; node: string; cpus: number } =
    {
      node: process.version,
      cpus: (await import("node:os")).cpus().length,
    };
  if (doA) {
    out.inProcess = inProcess();
    console.log("\n(a) in-process pipeline, established flows, one core (CPU time, best of 5)");
    for (const r of out.inProcess) {
      console.log(
        `  ${r.scenario.padEnd(22)} ${String(r.frameBytes).padStart(4)} B  ${r.mpps.toFixed(2).padStart(5)} Mpps  ${r.nsPerPacket.toFixed(0).padStart(5)} ns/pkt  ${r.gbps.toFixed(2).padStart(6)} Gbit/s`,
      );
    }
  }
  if (doB) {
    const seconds = Number(arg("--seconds", "4"));
    out.twoProcess = [];
    for (const size of [64, 1400]) {
      out.twoProcess.push(await twoProcess(size, seconds));
      out.twoProcess.push(await twoProcess(size, seconds, true));
    }
    console.log("\n(b) two dpservice processes over the UDP fabric (sender -> node1 -> node2 -> receiver)");
    for (const r of out.twoProcess) {
      console.log(
        `  ${r.mode.padEnd(13)} ${String(r.frameBytes).padStart(4)} B  delivered ${(r.deliveredPps / 1000).toFixed(0).padStart(4)} kpps  (offered ${(r.sentPps / 1000).toFixed(0)} kpps, loss ${r.lossPercent.toFixed(1)}%)  node CPU ${r.cpuPerPacketUs.map((u) => u.toFixed(1)).join(" / ")} µs/pkt = ${r.perCoreKpps.toFixed(0)} kpps per core`,
      );
    }
  }
  console.log(JSON.stringify(out));
}

await main();
