import type { Logger } from "@ironcore-ts/runtime";
import type { VirtualFunction } from "../state/virtualFunction.js";
import { type MachineEndpoint, VmPort } from "./vmPort.js";

export interface VmPortsOptions {
  vfs: readonly VirtualFunction[];
  /** Loopback address the port sockets bind. */
  host: string;
  /** Port of VF 0's socket; VF i gets basePort + i. 0: free ports chosen by the OS. */
  basePort: number;
  logger?: Logger;
  receiveBufferSize?: number;
}

/** The VM ports of one node, by VF index; frames go into the pipeline via `onFrame`. */
export class VmPorts {
  /** Receives each frame from a machine. */
  onFrame: (vfIndex: number, frame: Uint8Array) => void = () => {};
  private readonly ports: (VmPort | undefined)[];
  private readonly opening = new Map<number, Promise<VmPort>>();

  constructor(private readonly options: VmPortsOptions) {
    this.ports = new Array(options.vfs.length).fill(undefined);
  }

  get(vfIndex: number): VmPort | undefined {
    return this.ports[vfIndex];
  }

  /**
   * Opens the VF's socket (or returns the open one, keeping its port). A given machine endpoint
   * replaces a learnt or previously given one.
   */
  async attach(vfIndex: number, machine?: MachineEndpoint): Promise<VmPort> {
    if (vfIndex < 0 || vfIndex >= this.ports.length) throw new RangeError(`no VF ${vfIndex}`);
    const existing = this.ports[vfIndex] ?? (await this.opening.get(vfIndex));
    if (existing) {
      if (machine) existing.useMachine(machine);
      return existing;
    }
    const opening = VmPort.open({
      vfIndex,
      host: this.options.host,
      port: this.options.basePort > 0 ? this.options.basePort + vfIndex : 0,
      machine,
      logger: this.options.logger,
      receiveBufferSize: this.options.receiveBufferSize,
    });
    this.opening.set(vfIndex, opening);
    try {
      const port = await opening;
      port.onFrame = (frame) => this.onFrame(vfIndex, frame);
      this.ports[vfIndex] = port;
      return port;
    } finally {
      this.opening.delete(vfIndex);
    }
  }

  async detach(vfIndex: number): Promise<boolean> {
    const port = this.ports[vfIndex];
    if (!port) return false;
    this.ports[vfIndex] = undefined;
    await port.close();
    return true;
  }

  /** PacketSink.toVf: false when the port is not attached or the machine's endpoint is unknown. */
  send(vfIndex: number, buf: Uint8Array, offset: number, length: number): boolean {
    const port = this.ports[vfIndex];
    return port?.send(buf, offset, length) ?? false;
  }

  attached(): VmPort[] {
    return this.ports.filter((p): p is VmPort => p !== undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.ports.map((_, i) => this.detach(i)));
  }
}
