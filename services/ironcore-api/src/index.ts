export * from "./kindDefinitions.js";
export * from "./server.js";
