// The simulated underlay fabric between dpservices: UDP datagrams carrying outer IPv6 packets.
export { type FabricPacket, FabricPeer, FabricTap, summarizeFabricPacket } from "./fabricPeer.js";
export { FabricTransport, type FabricTransportOptions } from "./fabricTransport.js";
export { type FabricKv, KvUnderlayRegistry, MemoryKv } from "./kvUnderlayRegistry.js";
export { MemoryUnderlayRegistry } from "./memoryUnderlayRegistry.js";
export * from "./underlayRegistry.js";
