// Control-plane mutations of the tables (what the API calls; also usable directly in tests).
export * from "./firewallOps.js";
export * from "./interfaceOps.js";
export * from "./loadBalancerOps.js";
export * from "./natOps.js";
export * from "./neighborNatOps.js";
export * from "./prefixOps.js";
export * from "./routeOps.js";
export * from "./vipOps.js";
export * from "./vniOps.js";
