/**
 * Where the pipeline's output goes: VM ports and the fabric. The bytes are valid only during the
 * call (the pipeline reuses its send buffer and the received buffer), so an implementation that
 * sends asynchronously copies them. Implementations must not feed a packet back into the same
 * pipeline synchronously (its per-packet state is in use): deliver such packets later.
 */
export interface PacketSink {
  /** An Ethernet frame for the machine on VF `vfIndex`; false if no machine is attached. */
  toVf(vfIndex: number, buf: Uint8Array, offset: number, length: number): boolean;
  /** An outer IPv6 packet; its destination's /64 picks the node. false if no endpoint is known. */
  toFabric(buf: Uint8Array, offset: number, length: number): boolean;
}

/** A sink that discards everything (and reports success), for benchmarks and dry runs. */
export const NULL_SINK: PacketSink = {
  toVf: () => true,
  toFabric: () => true,
};
