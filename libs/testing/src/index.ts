export * from "./eventually.js";
export * from "./externalServices.js";
export * from "./freePort.js";
export * from "./reflectionClient.js";
export * from "./sharedDir.js";
