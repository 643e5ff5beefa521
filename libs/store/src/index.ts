export * from "./memoryStore.js";
export * from "./openStore.js";
export * from "./redisStore.js";
export * from "./store.js";
