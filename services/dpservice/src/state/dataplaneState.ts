import { randomUUID } from "node:crypto";
import { DnatTable } from "./dnatTable.js";
import { InterfaceTable } from "./interfaceTable.js";
import { Limits } from "./limits.js";
import { LoadBalancerTable } from "./loadBalancerTable.js";
import { NeighborNatTable } from "./neighborNatTable.js";
import { StateEvents } from "./stateEvents.js";
import { type Underlay, underlayFromBytes } from "./underlay.js";
import { UnderlayGenerator } from "./underlayGenerator.js";
import { UnderlayTable } from "./underlayTable.js";
import { VfPool } from "./vfPool.js";
import { VniTables } from "./vniTables.js";

export interface DataplaneStateOptions {
  /** This node's underlay address; its /64 is where generated underlays live. */
  hostUnderlay: Uint8Array;
  /** The VM ports (VF PCI addresses), in port order. */
  vfNames: readonly string[];
  /** See UnderlayGeneratorOptions. */
  underlayAddressTypes?: boolean;
  staticUnderlays?: boolean;
  random?: () => number;
  /** Default: a random UUID; upper-case as upstream. */
  uuid?: string;
  /** Overrides for tests; default Limits. */
  maxUnderlays?: number;
  maxVnis?: number;
}

/**
 * Everything the control API writes and the packet pipeline reads. The tables are plain
 * in-memory structures keyed by numbers, bigints or short strings; lookups on the packet path are
 * Map gets (see README.md "State tables"). Mutations go through the functions in ./ops, which
 * keep the tables consistent with each other and report refusals as DpError.
 */
export class DataplaneState {
  /** Identifies this run: changes on every start, so clients notice a restart. */
  readonly uuid: string;
  /** Set by Initialize; until then every other RPC is refused. */
  initialized = false;
  /** Outer source of packets the node itself sends or relays. */
  readonly hostUnderlay: Underlay;
  readonly vfs: VfPool;
  readonly interfaces = new InterfaceTable();
  readonly vnis: VniTables;
  readonly underlays: UnderlayTable;
  readonly underlayGenerator: UnderlayGenerator;
  readonly dnat = new DnatTable();
  readonly neighborNats = new NeighborNatTable();
  readonly loadBalancers = new LoadBalancerTable();
  readonly events = new StateEvents();

  constructor(options: DataplaneStateOptions) {
    this.uuid = (options.uuid ?? randomUUID()).toUpperCase();
    this.hostUnderlay = underlayFromBytes(options.hostUnderlay);
    this.vfs = new VfPool(options.vfNames);
    this.vnis = new VniTables(options.maxVnis ?? Limits.vnis);
    this.underlays = new UnderlayTable(options.maxUnderlays ?? Limits.underlays);
    this.underlayGenerator = new UnderlayGenerator({
      nodePrefix: this.hostUnderlay.bytes,
      addressTypes: options.underlayAddressTypes,
      static: options.staticUnderlays,
      random: options.random,
    });
  }
}
