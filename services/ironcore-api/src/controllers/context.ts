import type { ObjectClient } from "@ironcore-ts/client";
import type { Logger } from "pino";
import type { IronCoreInformers } from "./informers.js";

/**
 * What every controller is built from: the client it writes through (in ironcore-api the
 * in-process LocalClient; any ObjectClient works), the shared informer caches it reads, and the
 * logger its lines go to.
 */
export interface ControllerContext {
  client: ObjectClient;
  informers: IronCoreInformers;
  logger: Logger;
}
