import type { Logger } from "pino";
import type { DataplaneState } from "../state/dataplaneState.js";
import { captureHandlers } from "./captureHandlers.js";
import { firewallHandlers } from "./firewallHandlers.js";
import { interfaceHandlers } from "./interfaceHandlers.js";
import { loadBalancerHandlers } from "./loadBalancerHandlers.js";
import { natHandlers } from "./natHandlers.js";
import { prefixHandlers } from "./prefixHandlers.js";
import { routeHandlers } from "./routeHandlers.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { sessionHandlers } from "./sessionHandlers.js";
import { vipHandlers } from "./vipHandlers.js";

/** Every DPDKironcore RPC over one node's state. */
export function createDpdkService(state: DataplaneState, logger: Logger): DpdkImpl {
  return {
    ...sessionHandlers(state, logger),
    ...interfaceHandlers(state),
    ...prefixHandlers(state),
    ...vipHandlers(state),
    ...loadBalancerHandlers(state),
    ...natHandlers(state),
    ...routeHandlers(state),
    ...firewallHandlers(state),
    ...captureHandlers(state),
  };
}
