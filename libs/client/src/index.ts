export * from "./clientError.js";
export * from "./listWatcher.js";
export * from "./objectClient.js";
export * from "./resourceClient.js";
export * from "./transport.js";
