import type { Logger, RunningService } from "@ironcore-ts/runtime";
import { FabricTransport } from "../fabric/fabricTransport.js";
import { MemoryUnderlayRegistry } from "../fabric/memoryUnderlayRegistry.js";
import type { UnderlayRegistry } from "../fabric/underlayRegistry.js";
import { VmPorts } from "../ports/vmPorts.js";
import type { DataplaneState } from "../state/dataplaneState.js";
import { buildArpProbe } from "./arpResponder.js";
import { CoarseClock } from "./clock.js";
import type { DataplaneConfig } from "./dataplaneConfig.js";
import { DataplaneCounters } from "./dropCounters.js";
import { Drop } from "./dropReasons.js";
import { type FlowView, listFlows } from "./flowListing.js";
import type { PacketSink } from "./packetSink.js";
import { Pipeline } from "./pipeline.js";
import { registerPrometheus } from "./promCounters.js";
import { collectStats, type DataplaneStats } from "./stats.js";
import { Trace } from "./trace.js";

type Registry = RunningService["registry"];

/** Where an injected or traced packet enters. */
export type Ingress = { vfIndex: number } | { fabric: true };

export interface StartDataplaneOptions {
  state: DataplaneState;
  config: DataplaneConfig;
  logger?: Logger;
  /** Prometheus registry for the counters; default none (the caller's startService registry). */
  registry?: Registry;
  /** Default: a MemoryUnderlayRegistry with config.fabricPeers. */
  underlayRegistry?: UnderlayRegistry;
}

/**
 * One node's running data plane: the pipeline between the VM port sockets and the fabric socket,
 * plus the timers (coarse clock, conntrack ageing, ARP probes) and the operations of the extension
 * API (inject, trace). It is the pipeline's PacketSink.
 */
export class Dataplane implements PacketSink {
  readonly pipeline: Pipeline;
  private readonly timers: NodeJS.Timeout[] = [];
  private unregisterMetrics: (() => void) | undefined;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly state: DataplaneState,
    readonly config: DataplaneConfig,
    readonly ports: VmPorts,
    readonly fabric: FabricTransport,
    readonly underlayRegistry: UnderlayRegistry,
    private readonly clock: CoarseClock,
    readonly logger: Logger | undefined,
  ) {
    this.pipeline = new Pipeline({
      state,
      sink: this,
      clock,
      flowTimeoutMs: config.flowTimeoutMs,
      establishedTimeoutMs: config.establishedTimeoutMs,
      maxFlows: config.maxFlows,
      firewall: { strictIngress: config.strictIngress },
      dhcp: { mtu: config.dhcpMtu, dns: config.dhcpDns },
      ipv6Overlay: config.ipv6Overlay,
    });
    ports.onFrame = (vfIndex, frame) => {
      try {
        this.pipeline.fromVf(vfIndex, frame);
      } catch (err) {
        this.internalError(err);
      }
    };
    fabric.onPacket = (packet) => {
      try {
        this.pipeline.fromFabric(packet);
      } catch (err) {
        this.internalError(err);
      }
    };
  }

  static async start(options: StartDataplaneOptions): Promise<Dataplane> {
    const { state, config, logger } = options;
    const underlayRegistry = options.underlayRegistry ?? new MemoryUnderlayRegistry(config.fabricPeers);
    const buffer = config.socketBufferBytes > 0 ? config.socketBufferBytes : undefined;
    const ports = new VmPorts({
      vfs: state.vfs.all,
      host: config.vmPortHost,
      basePort: config.vmPortBase,
      logger,
      receiveBufferSize: buffer,
    });
    const fabric = await FabricTransport.start({
      host: config.fabricHost,
      port: config.fabricPort,
      registry: underlayRegistry,
      prefix: state.hostUnderlay.bytes,
      logger,
      receiveBufferSize: buffer,
    });
    const dataplane = new Dataplane(
      state,
      config,
      ports,
      fabric,
      underlayRegistry,
      new CoarseClock(),
      logger,
    );
    try {
      if (config.attachAllPorts) for (const vf of state.vfs.all) await ports.attach(vf.index);
    } catch (err) {
      await dataplane.stop();
      throw err;
    }
    dataplane.startTimers();
    if (options.registry) {
      dataplane.unregisterMetrics = registerPrometheus(options.registry, {
        name: config.nodeName,
        counters: dataplane.pipeline.counters,
        vfNames: state.vfs.all.map((vf) => vf.name),
        flowCount: () => dataplane.pipeline.conntrack.size,
      });
    }
    logger?.info(
      {
        fabric: `${fabric.endpoint.host}:${fabric.endpoint.port}`,
        underlay: state.hostUnderlay.text,
        vmPortBase: config.vmPortBase,
      },
      "dataplane started",
    );
    return dataplane;
  }

  private lastErrorLog = 0;

  /** A bug in a stage must not take the node down: count, log (at most once a second), go on. */
  private internalError(err: unknown): void {
    this.pipeline.drop(Drop.internalError, -1);
    const now = Date.now();
    if (now - this.lastErrorLog >= 1000) {
      this.lastErrorLog = now;
      this.logger?.error({ err }, "packet pipeline error; packet dropped");
    }
  }

  private startTimers(): void {
    const ct = this.pipeline.conntrack;
    this.timers.push(setInterval(() => ct.age(), this.config.agingIntervalMs));
    if (this.config.arpProbeIntervalMs > 0) {
      this.timers.push(setInterval(() => this.sendArpProbes(), this.config.arpProbeIntervalMs));
    }
    for (const t of this.timers) t.unref();
  }

  /** Upstream's maintenance ARP requests to every attached port with an interface. */
  sendArpProbes(): void {
    for (const port of this.ports.attached()) {
      if (!this.state.vfs.byIndex(port.vfIndex)?.iface) continue;
      const probe = buildArpProbe(this.pipeline, port.vfIndex);
      port.send(probe, 0, probe.length);
    }
  }

  // PacketSink ------------------------------------------------------------------------------------

  toVf(vfIndex: number, buf: Uint8Array, offset: number, length: number): boolean {
    return this.ports.send(vfIndex, buf, offset, length);
  }

  toFabric(buf: Uint8Array, offset: number, length: number): boolean {
    return this.fabric.send(buf, offset, length);
  }

  // Extension operations -------------------------------------------------------------------------

  /**
   * Runs one packet through the pipeline with tracing on. Dry run (`execute` false): outputs are
   * captured and not sent, flows and NAT ports set up for it are rolled back, existing flows and
   * the counters are left alone. Otherwise the packet is processed and sent for real.
   */
  trace(ingress: Ingress, packet: Uint8Array, execute: boolean): Trace {
    const p = this.pipeline;
    const trace = new Trace();
    const realSink = p.sink;
    const realCounters = p.counters;
    p.sink = {
      toVf: (vfIndex, buf, offset, length) => {
        trace.outputs.push({ kind: "vf", vfIndex, packet: buf.slice(offset, offset + length) });
        return execute ? realSink.toVf(vfIndex, buf, offset, length) : true;
      },
      toFabric: (buf, offset, length) => {
        trace.outputs.push({ kind: "fabric", vfIndex: -1, packet: buf.slice(offset, offset + length) });
        return execute ? realSink.toFabric(buf, offset, length) : true;
      },
    };
    p.trace = trace;
    p.traceCreated = [];
    if (!execute) {
      p.dryRun = true;
      p.counters = new DataplaneCounters(this.state.vfs.all.length);
    }
    const created = p.traceCreated;
    try {
      // The pipeline rewrites packets in place: work on a copy of the caller's bytes.
      const copy = packet.slice();
      if ("vfIndex" in ingress) p.fromVf(ingress.vfIndex, copy);
      else p.fromFabric(copy);
    } finally {
      p.sink = realSink;
      p.counters = realCounters;
      p.trace = undefined;
      p.traceCreated = undefined;
      p.dryRun = false;
      if (!execute) for (const flow of created) p.conntrack.remove(flow);
    }
    return trace;
  }

  listFlows(filter: { vni?: number; interfaceId?: string } = {}): FlowView[] {
    return listFlows(
      this.pipeline.conntrack,
      this.clock.now,
      (i) => this.state.vfs.all[i]?.name ?? "",
      filter,
    );
  }

  /** Removes the flows of a VNI (0 = all): the next packet sets its flow up again. */
  flushFlows(vni = 0): number {
    return this.pipeline.conntrack.flushWhere((f) => vni === 0 || f.vni === vni);
  }

  stats(): DataplaneStats {
    return collectStats(
      this.state,
      this.pipeline.counters,
      this.pipeline.conntrack.size,
      this.config.strictIngress,
    );
  }

  /** Processes a packet as if received (InjectPacket); returns what it produced. */
  inject(ingress: Ingress, packet: Uint8Array): Trace {
    return this.trace(ingress, packet, true);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.clock.stop();
      this.unregisterMetrics?.();
      this.pipeline.close();
      await Promise.all([this.ports.close(), this.fabric.close()]);
    })();
    return this.stopped;
  }
}

/**
 * Starts the data plane of a node over its state: the VM port sockets, the fabric socket
 * (announced in the underlay registry) and the pipeline between them. startDpservice calls it
 * and serves `dataplaneServiceEntry(dataplane)` next to the upstream API.
 */
export function startDataplane(options: StartDataplaneOptions): Promise<Dataplane> {
  return Dataplane.start(options);
}
