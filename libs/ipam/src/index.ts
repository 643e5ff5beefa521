export * from "./ip.js";
