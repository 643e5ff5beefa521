// metalbond: the route reflector on the route bus. See README.md.
export { DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, loadConfig, type MetalbondConfig } from "./config.js";
export { createMetalbondServiceImpl, metalbondServiceEntry } from "./metalbondService.js";
export { routeMessage } from "./routeMessages.js";
export {
  type MetalbondBusOptions,
  type RunningMetalbond,
  type StartMetalbondOptions,
  startMetalbond,
} from "./startMetalbond.js";
