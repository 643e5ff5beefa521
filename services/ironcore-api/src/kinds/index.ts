/**
 * Defaulting, validation and update rules of the ironcore kinds (one KindRules per kind, wired
 * into the kind definitions in ../kindDefinitions.ts), plus the helpers controllers share with
 * them (ephemeral object names, spec validators).
 */

export { ephemeralIPPrefixName, ephemeralRoutedPrefixName } from "../validation/ipSources.js";
export * from "./loadBalancer.js";
export * from "./loadBalancerRouting.js";
export * from "./machine.js";
export * from "./machineClass.js";
export * from "./machinePool.js";
export * from "./natGateway.js";
export * from "./network.js";
export * from "./networkInterface.js";
export * from "./networkPolicy.js";
export * from "./prefix.js";
export * from "./virtualIP.js";
