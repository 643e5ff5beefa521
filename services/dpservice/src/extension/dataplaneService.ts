import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  DataplaneService,
  type Ingress as IngressMessage,
  OutputKind,
  type PacketOutputSchema,
  type PortInfoSchema,
} from "@ironcore-ts/gen/ironcore/dpservice/v1/dataplane_pb.js";
import { formatMac } from "@ironcore-ts/packet";
import type { ServiceEntry } from "@ironcore-ts/runtime";
import { formatEndpoint } from "../fabric/underlayRegistry.js";
import type { Dataplane, Ingress } from "../pipeline/dataplane.js";
import type { Trace } from "../pipeline/trace.js";
import type { VirtualFunction } from "../state/virtualFunction.js";

type Impl = ServiceImpl<typeof DataplaneService>;
type PortInfoInit = MessageInitShape<typeof PortInfoSchema>;
type PacketOutputInit = MessageInitShape<typeof PacketOutputSchema>;

/**
 * ironcore.dpservice.v1.DataplaneService: what upstream's API does not have, in its own package so
 * dpdkironcore.v1 stays exactly upstream. Attach machines to VM ports, inject and trace packets,
 * list and flush flows, read counters.
 */
export function createDataplaneServiceImpl(dp: Dataplane): Impl {
  const vf = (name: string): VirtualFunction => {
    const found = name === "" ? undefined : dp.state.vfs.find(name);
    if (!found) throw new ConnectError(`unknown VF ${JSON.stringify(name)}`, Code.NotFound);
    return found;
  };
  const portInfo = (v: VirtualFunction): PortInfoInit => {
    const port = dp.ports.get(v.index);
    const machine = port?.machineEndpoint;
    return {
      vfName: v.name,
      vfIndex: v.index,
      attached: port !== undefined,
      host: port?.host ?? "",
      port: port?.port ?? 0,
      mac: formatMac(dp.pipeline.macs.port[v.index]!),
      machineMac: dp.pipeline.macs.learnt[v.index] ? formatMac(dp.pipeline.macs.guest[v.index]!) : "",
      machineEndpoint: machine ? formatEndpoint(machine) : "",
      interfaceId: v.iface?.id ?? "",
    };
  };
  const ingress = (msg: IngressMessage | undefined): Ingress => {
    const source = msg?.source;
    if (source?.case === "vfName") return { vfIndex: vf(source.value).index };
    if (source?.case === "fabric" && source.value) return { fabric: true };
    throw new ConnectError("ingress: set vf_name or fabric", Code.InvalidArgument);
  };
  const outputs = (trace: Trace): PacketOutputInit[] =>
    trace.outputs.map((o) =>
      o.kind === "vf"
        ? { kind: OutputKind.VF, vfName: dp.state.vfs.all[o.vfIndex]?.name ?? "", packet: o.packet }
        : {
            kind: OutputKind.FABRIC,
            fabricEndpoint: endpointOf(dp, o.packet),
            packet: o.packet,
          },
    );
  const packetOf = (bytes: Uint8Array): Uint8Array => {
    if (bytes.length === 0) throw new ConnectError("packet: empty", Code.InvalidArgument);
    return bytes;
  };

  return {
    async attachPort(req) {
      const v = vf(req.vfName);
      if ((req.machineHost === "") !== (req.machinePort === 0)) {
        throw new ConnectError("machine_host and machine_port go together", Code.InvalidArgument);
      }
      if (req.machinePort > 65535) throw new ConnectError("machine_port: not a port", Code.InvalidArgument);
      const machine = req.machinePort > 0 ? { host: req.machineHost, port: req.machinePort } : undefined;
      await dp.ports.attach(v.index, machine);
      return { port: portInfo(v) };
    },

    async detachPort(req) {
      await dp.ports.detach(vf(req.vfName).index);
      return {};
    },

    listPorts() {
      return { ports: dp.state.vfs.all.map(portInfo) };
    },

    injectPacket(req) {
      const trace = dp.inject(ingress(req.ingress), packetOf(req.packet));
      return { outputs: outputs(trace), dropReason: trace.dropReason };
    },

    tracePacket(req) {
      const trace = dp.trace(ingress(req.ingress), packetOf(req.packet), req.execute);
      return { stages: trace.stages, outputs: outputs(trace), dropReason: trace.dropReason };
    },

    listFlows(req) {
      const flows = dp.listFlows({ vni: req.vni, interfaceId: req.interfaceId });
      return {
        flows: flows.map((f) => ({
          ...f,
          id: BigInt(f.id),
          originalPackets: BigInt(f.originalPackets),
          originalBytes: BigInt(f.originalBytes),
          replyPackets: BigInt(f.replyPackets),
          replyBytes: BigInt(f.replyBytes),
        })),
      };
    },

    flushFlows(req) {
      return { flushed: dp.flushFlows(req.vni) };
    },

    getStats() {
      const s = dp.stats();
      const n = (v: number) => BigInt(Math.round(v));
      return {
        drops: s.drops.map((d) => ({ reason: d.reason, packets: n(d.packets) })),
        interfaces: s.interfaces.map((i) => ({
          vfName: i.vfName,
          interfaceId: i.interfaceId,
          rxPackets: n(i.rxPackets),
          rxBytes: n(i.rxBytes),
          txPackets: n(i.txPackets),
          txBytes: n(i.txBytes),
          drops: n(i.drops),
        })),
        firewallRules: s.firewallRules.map((r) => ({ ...r, packets: n(r.packets), bytes: n(r.bytes) })),
        fabric: {
          rxPackets: n(s.fabric.rxPackets),
          rxBytes: n(s.fabric.rxBytes),
          txPackets: n(s.fabric.txPackets),
          txBytes: n(s.fabric.txBytes),
        },
        flows: n(s.flows),
        processedPackets: n(s.processedPackets),
      };
    },
  };
}

/** The fabric endpoint an outer packet's destination /64 maps to ("" if none). */
function endpointOf(dp: Dataplane, packet: Uint8Array): string {
  const e = packet.length >= 40 ? dp.underlayRegistry.lookup(packet, 24) : undefined;
  return e ? formatEndpoint(e) : "";
}

/** For startService's `services`: the extension next to DPDKironcore on the same ports. */
export function dataplaneServiceEntry(dp: Dataplane): ServiceEntry<typeof DataplaneService> {
  return { service: DataplaneService, impl: createDataplaneServiceImpl(dp) };
}
