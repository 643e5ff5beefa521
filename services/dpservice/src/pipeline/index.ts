// The packet pipeline of dpservice and its assembly with the VM ports and the fabric (PIPELINE.md).
export { Dataplane, type Ingress, type StartDataplaneOptions, startDataplane } from "./dataplane.js";
export { type DataplaneConfig, defaultDataplaneConfig, loadDataplaneConfig } from "./dataplaneConfig.js";
export { DataplaneCounters, RuleCounter } from "./dropCounters.js";
export { ALL_DROP_REASONS, type AnyDropReason } from "./dropReasons.js";
export { type Flow, OutKind, Translation } from "./flow.js";
export type { FlowTupleView, FlowView } from "./flowListing.js";
export { NULL_SINK, type PacketSink } from "./packetSink.js";
export { Pipeline, type PipelineOptions } from "./pipeline.js";
export type { DataplaneStats, FirewallRuleStats, InterfaceStats } from "./stats.js";
export { Trace, type TraceOutput, type TraceStage } from "./trace.js";
