import dgram from "node:dgram";
import type { Logger } from "@ironcore-ts/runtime";

export interface MachineEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The "local datagram socket" of one VM port. Upstream's VFs are NIC functions; here a machine's
 * NIC is a UDP socket pair on loopback, each datagram one raw Ethernet frame. (A Unix datagram
 * socket would be the natural choice, but Node 20 has none; UDP on 127.0.0.1 behaves the same for
 * this purpose: message boundaries kept, no connection, local only.)
 *
 * dpservice binds one socket per attached VF; the machine sends its frames there. Frames for the
 * machine go to its endpoint: given at attach time, or learnt from the source of the first frame
 * it sends. They are sent from a second socket connected to that endpoint (a connected send skips
 * the per-call address resolution of dgram).
 */
export class VmPort {
  /** Receives each frame from the machine. */
  onFrame: (frame: Uint8Array) => void = () => {};
  private machine: MachineEndpoint | undefined;
  private fixedMachine: boolean;
  private tx: dgram.Socket | undefined;
  private txConnected = false;
  private closed = false;

  private constructor(
    readonly vfIndex: number,
    private readonly rx: dgram.Socket,
    readonly host: string,
    readonly port: number,
    machine: MachineEndpoint | undefined,
    private readonly logger: Logger | undefined,
  ) {
    this.fixedMachine = machine !== undefined;
    if (machine) this.setMachine(machine);
    rx.on("message", (msg, rinfo) => {
      if (!this.fixedMachine && (this.machine?.port !== rinfo.port || this.machine.host !== rinfo.address)) {
        this.setMachine({ host: rinfo.address, port: rinfo.port });
      }
      this.onFrame(msg);
    });
    rx.on("error", (err) => logger?.warn({ err, vf: vfIndex }, "VM port socket error"));
  }

  static async open(options: {
    vfIndex: number;
    host: string;
    /** 0 picks a free port. */
    port: number;
    machine?: MachineEndpoint;
    logger?: Logger;
    receiveBufferSize?: number;
  }): Promise<VmPort> {
    const rx = dgram.createSocket({ type: "udp4", recvBufferSize: options.receiveBufferSize });
    await new Promise<void>((resolve, reject) => {
      rx.once("error", reject);
      rx.bind(options.port, options.host, () => {
        rx.off("error", reject);
        resolve();
      });
    });
    return new VmPort(options.vfIndex, rx, options.host, rx.address().port, options.machine, options.logger);
  }

  get machineEndpoint(): MachineEndpoint | undefined {
    return this.machine;
  }

  /** Sends to `machine` from now on (and stops learning the endpoint from received frames). */
  useMachine(machine: MachineEndpoint): void {
    this.fixedMachine = true;
    if (this.machine?.host !== machine.host || this.machine.port !== machine.port) this.setMachine(machine);
  }

  private setMachine(machine: MachineEndpoint): void {
    this.machine = machine;
    const old = this.tx;
    this.tx = undefined;
    this.txConnected = false;
    old?.close();
    const tx = dgram.createSocket("udp4");
    this.tx = tx;
    tx.on("error", (err) => this.logger?.debug({ err, vf: this.vfIndex }, "VM port send error"));
    tx.connect(machine.port, machine.host, () => {
      if (this.tx === tx) this.txConnected = true;
    });
  }

  /** Sends a frame to the machine (copied); false if the machine's endpoint is not known yet. */
  send(buf: Uint8Array, offset: number, length: number): boolean {
    const machine = this.machine;
    if (machine === undefined || this.closed) return false;
    const copy = Buffer.allocUnsafe(length);
    copy.set(buf.subarray(offset, offset + length));
    if (this.txConnected) this.tx!.send(copy);
    else this.rx.send(copy, machine.port, machine.host);
    return true;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.tx?.close();
    return new Promise((resolve) => this.rx.close(() => resolve()));
  }
}
