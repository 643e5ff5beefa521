// The dpservice of one node: its upstream-compatible gRPC API and the state tables the packet
// pipeline reads. See README.md for the API notes and the table API.
export { createDpdkService } from "./api/dpdkService.js";
export { type DpserviceConfig, loadConfig, parseNodeUnderlay } from "./config.js";
export { type RunningDpservice, type StartDpserviceOptions, startDpservice } from "./startDpservice.js";
export * from "./state/index.js";
export { DPSERVICE_VERSION } from "./version.js";
