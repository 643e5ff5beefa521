import type { Logger } from "pino";
import type { DataplaneState } from "../state/dataplaneState.js";
import { initialize } from "../state/ops/vniOps.js";
import { DPSERVICE_VERSION } from "../version.js";
import { requireInitialized } from "./initGuard.js";
import { notInitialized } from "./requestErrors.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";

type Handlers = Pick<DpdkImpl, "checkInitialized" | "initialize" | "getVersion">;

/** Initialization handshake (metalnet: CheckInitialized, else Initialize) and GetVersion. */
export function sessionHandlers(state: DataplaneState, logger: Logger): Handlers {
  return {
    checkInitialized: () => {
      if (!state.initialized) notInitialized();
      return withStatus(() => ({ uuid: state.uuid }));
    },

    initialize: () =>
      withStatus(() => {
        const uuid = initialize(state);
        logger.info({ uuid }, "initialized: neighbour NATs and remote routes cleared");
        return { uuid };
      }),

    getVersion: requireInitialized(state, (req) => {
      // The client's versions are only logged (as upstream); both answers are our version.
      logger.info(
        { clientProtocol: req.clientProtocol, clientName: req.clientName, clientVersion: req.clientVersion },
        "client version",
      );
      return withStatus(() => ({ serviceProtocol: DPSERVICE_VERSION, serviceVersion: DPSERVICE_VERSION }));
    }),
  };
}
