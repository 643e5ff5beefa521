export * from "./clientError.js";
export * from "./resourceClient.js";
export * from "./transport.js";
