// VM ports (UDP on loopback carrying raw Ethernet frames) and the simulated machines that use them.
export { PacketLog } from "./packetLog.js";
export { type PacketSummary, summarizeEthernet, summarizeFrame, summarizeIp } from "./packetSummary.js";
export { type DhcpLease, SimulatedMachine, type SimulatedMachineOptions } from "./simulatedMachine.js";
export { type MachineEndpoint, VmPort } from "./vmPort.js";
export { VmPorts, type VmPortsOptions } from "./vmPorts.js";
