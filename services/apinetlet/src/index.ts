export * from "@ironcore-ts/ironcore-net/providerId";
export * from "./allocation.js";
export * from "./apinetlet.js";
export * from "./conditions.js";
export type { ApinetletContext, ApinetletSettings } from "./context.js";
export * from "./kinds.js";
export * from "./originMetadata.js";
