export * from "./apiError.js";
export * from "./conditions.js";
export * from "./fieldError.js";
export * from "./labelSelector.js";
export * from "./names.js";
export * from "./objectMeta.js";
export * from "./ownerReferences.js";
