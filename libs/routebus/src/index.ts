export * from "./codec.js";
export * from "./ipAddress.js";
export type { OriginStatus, SessionDownReason } from "./liveness.js";
export type { Logger } from "./logger.js";
export * from "./memoryRouteBus.js";
export { defaultMemoryRouteHub, MemoryRouteHub } from "./memoryRouteHub.js";
export * from "./natsAdmin.js";
export * from "./natsRouteBus.js";
export * from "./reflectionFilter.js";
export * from "./route.js";
export * from "./routeBus.js";
export * from "./routeReflector.js";
export type {
  BucketName,
  ConnectionState,
  RouteStore,
  StoredEntry,
  StoreWatch,
  WatchSink,
} from "./routeStore.js";
export * from "./routesJson.js";
export * from "./routeTable.js";
export { type RouteBusStats, StoreRouteBus } from "./storeRouteBus.js";
export { type BusNames, busNames, defaultNamespace } from "./subjects.js";
