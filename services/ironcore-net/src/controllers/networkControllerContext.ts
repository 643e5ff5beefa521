import type { ObjectClient } from "@ironcore-ts/client";
import type { Logger } from "pino";
import type { NetworkInformers } from "./networkInformers.js";

/**
 * What every ironcore-net controller is built from: the client it writes through (in the server
 * the in-process LocalClient; any ObjectClient works), the shared informer caches it reads, and
 * the logger its lines go to.
 */
export interface NetworkControllerContext {
  client: ObjectClient;
  informers: NetworkInformers;
  logger: Logger;
}
