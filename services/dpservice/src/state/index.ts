// The tables and what the pipeline reads from them (README.md "State tables").
export { DataplaneState, type DataplaneStateOptions } from "./dataplaneState.js";
export type { DnatEntry, NatDnat, VipDnat } from "./dnatTable.js";
export {
  type FirewallRule,
  type PortRange,
  portInRange,
  type RuleFilter,
  type RulePrefix,
} from "./firewallRule.js";
export type { FirewallRuleSet } from "./firewallRuleSet.js";
export type {
  AliasPrefixEntry,
  InterfaceEntry,
  LocalNatEntry,
  PxeSettings,
  VipEntry,
} from "./interfaceEntry.js";
export * from "./ipAddr.js";
export { Ipv4Lpm } from "./ipv4Lpm.js";
export { Ipv6Lpm } from "./ipv6Lpm.js";
export { Ipv6Table, readWord, wordOf } from "./ipv6Table.js";
export { Limits, MAX_VNI } from "./limits.js";
export { type LbPort, LoadBalancer } from "./loadBalancer.js";
export type { LpmEntry } from "./lpmEntry.js";
export { buildMaglevTable, MAGLEV_TABLE_SIZE, maglevLookup } from "./maglev.js";
export { djbHash, murmurHash2 } from "./maglevHashes.js";
export type { NeighborNatEntry } from "./neighborNatEntry.js";
export * from "./ops/index.js";
export { consecutivePciAddresses, parsePciAddress } from "./pciAddress.js";
export type { LocalRouteTarget, RemoteRouteTarget, RouteTarget } from "./routeTarget.js";
export type { StateEvent, StateListener } from "./stateEvents.js";
export { DpError, StatusCode, statusMessage } from "./statusCode.js";
export { type Underlay, underlayFromBytes } from "./underlay.js";
export { UnderlayGenerator, type UnderlayKind } from "./underlayGenerator.js";
export type { VirtualFunction } from "./virtualFunction.js";
export type {
  AliasPrefixVnf,
  InterfaceVnf,
  LoadBalancerVnf,
  NatVnf,
  VipVnf,
  VnfEntry,
  VnfType,
} from "./vnfEntry.js";
export type { VniTable } from "./vniTable.js";
