import { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { DataplaneService } from "@ironcore-ts/gen/ironcore/dpservice/v1/dataplane_pb.js";
import { ipv6ToBigInt, parseIpv4, parseIpv6 } from "@ironcore-ts/packet";
import { createLogger, metricsRegistry, type RunningService, startService } from "@ironcore-ts/runtime";
import { createDpdkService } from "../../api/dpdkService.js";
import { parseNodeUnderlay } from "../../config.js";
import { dataplaneServiceEntry } from "../../extension/dataplaneService.js";
import type { UnderlayRegistry } from "../../fabric/underlayRegistry.js";
import { SimulatedMachine, type SimulatedMachineOptions } from "../../ports/simulatedMachine.js";
import { DataplaneState } from "../../state/dataplaneState.js";
import type { InterfaceEntry } from "../../state/interfaceEntry.js";
import { ipv6Addr, normalizePrefix, parseIpAddr } from "../../state/ipAddr.js";
import { createInterface } from "../../state/ops/interfaceOps.js";
import { createRoute } from "../../state/ops/routeOps.js";
import { initialize } from "../../state/ops/vniOps.js";
import { consecutivePciAddresses } from "../../state/pciAddress.js";
import { type Dataplane, startDataplane } from "../dataplane.js";
import { type DataplaneConfig, defaultDataplaneConfig } from "../dataplaneConfig.js";
import { UnaryClient } from "./unaryClient.js";

export const TEST_VFS = consecutivePciAddresses("0000:3b:00.2", 8);

export interface TestNodeOptions {
  name: string;
  /** The node's underlay /64, e.g. "fc00:1::/64". */
  underlay: string;
  registry: UnderlayRegistry;
  config?: Partial<DataplaneConfig>;
  /** Serve DPDKironcore + DataplaneService on gRPC (as startDpservice will). */
  grpc?: boolean;
}

/**
 * One dpservice node for tests, in-process: state (Initialized), data plane on real loopback
 * sockets, optionally the two gRPC services. Programmed either through the state ops or through
 * the upstream gRPC API (`dpdk`).
 */
export class TestNode {
  readonly machines: SimulatedMachine[] = [];

  private constructor(
    readonly name: string,
    readonly state: DataplaneState,
    readonly dataplane: Dataplane,
    readonly service: RunningService | undefined,
    readonly dpdk: UnaryClient<typeof DPDKironcore> | undefined,
    readonly ext: UnaryClient<typeof DataplaneService> | undefined,
  ) {}

  static async start(options: TestNodeOptions): Promise<TestNode> {
    const logger = createLogger(options.name, { level: "silent" });
    const state = new DataplaneState({
      hostUnderlay: parseNodeUnderlay("test", options.underlay),
      vfNames: TEST_VFS,
      staticUnderlays: true,
    });
    initialize(state);
    const dataplane = await startDataplane({
      state,
      logger,
      config: defaultDataplaneConfig({ nodeName: options.name, arpProbeIntervalMs: 0, ...options.config }),
      underlayRegistry: options.registry,
      registry: options.grpc ? metricsRegistry : undefined,
    });
    let service: RunningService | undefined;
    let dpdk: UnaryClient<typeof DPDKironcore> | undefined;
    let ext: UnaryClient<typeof DataplaneService> | undefined;
    if (options.grpc) {
      service = await startService({
        name: options.name,
        logger,
        grpc: { host: "127.0.0.1", port: 0 },
        http: { host: "127.0.0.1", port: 0 },
        services: [
          { service: DPDKironcore, impl: createDpdkService(state, logger) },
          dataplaneServiceEntry(dataplane),
        ],
        shutdownTimeoutMs: 500,
      });
      dpdk = new UnaryClient(DPDKironcore, service.grpcPort);
      ext = new UnaryClient(DataplaneService, service.grpcPort);
    }
    return new TestNode(options.name, state, dataplane, service, dpdk, ext);
  }

  /** Creates an interface through the state ops (the API handlers call the same). */
  iface(spec: { id: string; vni: number; vf: number; ipv4?: string; ipv6?: string }): InterfaceEntry {
    return createInterface(this.state, {
      id: spec.id,
      vni: spec.vni,
      deviceName: TEST_VFS[spec.vf]!,
      ipv4: spec.ipv4 ? parseIpv4(spec.ipv4) : undefined,
      ipv6: spec.ipv6 ? ipv6ToBigInt(parseIpv6(spec.ipv6)!) : undefined,
    });
  }

  /** A route to another node (CreateRoute through the state ops). */
  route(vni: number, cidr: string, nextHop: string | Uint8Array, nextHopVni = vni): void {
    const [addr = "", len = "0"] = cidr.split("/");
    const family = addr.includes(":") ? 6 : 4;
    const hop = typeof nextHop === "string" ? parseIpv6(nextHop)! : nextHop;
    createRoute(
      this.state,
      vni,
      normalizePrefix(parseIpAddr(addr, family)!, Number(len)),
      nextHopVni,
      ipv6Addr(ipv6ToBigInt(hop)),
    );
  }

  /** Attaches a simulated machine to VF `vf` (the port learns the machine's endpoint). */
  async machine(vf: number, options: Omit<SimulatedMachineOptions, "port"> = {}): Promise<SimulatedMachine> {
    const port = await this.dataplane.ports.attach(vf);
    const machine = await SimulatedMachine.start({
      name: `${this.name}-vf${vf}`,
      ...options,
      port: { host: port.host, port: port.port },
    });
    this.machines.push(machine);
    // The first frame teaches the port where the machine is, and the machine its gateway MAC.
    await machine.arpGateway();
    return machine;
  }

  dropCount(reason: string): number {
    return this.dataplane.stats().drops.find((d) => d.reason === reason)?.packets ?? 0;
  }

  async stop(): Promise<void> {
    this.dpdk?.close();
    this.ext?.close();
    await Promise.all(this.machines.map((m) => m.close()));
    await this.service?.stop();
    await this.dataplane.stop();
  }
}
