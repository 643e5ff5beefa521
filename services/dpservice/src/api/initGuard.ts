import type { DataplaneState } from "../state/dataplaneState.js";
import { notInitialized } from "./requestErrors.js";

/** Every RPC but Initialize and CheckInitialized answers ABORTED until Initialize was called. */
export function requireInitialized<Req, Res>(
  state: DataplaneState,
  handler: (req: Req) => Res,
): (req: Req) => Res {
  return (req) => {
    if (!state.initialized) notInitialized();
    return handler(req);
  };
}
