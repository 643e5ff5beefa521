export * from "./networkFieldRules.js";
export * from "./networkPolicy.js";
