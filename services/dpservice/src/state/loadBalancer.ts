import type { IpAddr } from "./ipAddr.js";
import { Limits } from "./limits.js";
import { buildMaglevTable, maglevLookup } from "./maglev.js";
import type { Underlay } from "./underlay.js";

export interface LbPort {
  /** 6 TCP or 17 UDP. */
  readonly protocol: 6 | 17;
  readonly port: number;
}

/**
 * A load balancer hosted on this node. Its targets are IPv6 underlays (the LB prefix underlays
 * of backend interfaces), kept sorted by address (as upstream, so two instances with the same
 * targets build the same Maglev table); the table is rebuilt on every change.
 */
export class LoadBalancer {
  private readonly portKeys: Set<number>;
  private sortedTargets: Underlay[] = [];
  private table: Int16Array = buildMaglevTable([]);

  constructor(
    readonly id: string,
    readonly vni: number,
    readonly ip: IpAddr,
    readonly ports: readonly LbPort[],
    readonly underlay: Underlay,
  ) {
    this.portKeys = new Set(ports.map((p) => portKey(p.protocol, p.port)));
  }

  /** Whether the load balancer forwards this protocol and destination port. */
  servesPort(protocol: number, port: number): boolean {
    return this.portKeys.has(portKey(protocol, port));
  }

  /** Targets in Maglev (sorted) order. */
  get targets(): readonly Underlay[] {
    return this.sortedTargets;
  }

  hasTarget(key: bigint): boolean {
    return this.sortedTargets.some((t) => t.key === key);
  }

  /** "exists", "full" or "added". */
  addTarget(target: Underlay): "exists" | "full" | "added" {
    if (this.hasTarget(target.key)) return "exists";
    if (this.sortedTargets.length >= Limits.loadBalancerTargets) return "full";
    this.sortedTargets = [...this.sortedTargets, target].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    this.rebuild();
    return "added";
  }

  removeTarget(key: bigint): Underlay | undefined {
    const target = this.sortedTargets.find((t) => t.key === key);
    if (!target) return undefined;
    this.sortedTargets = this.sortedTargets.filter((t) => t !== target);
    this.rebuild();
    return target;
  }

  /** The target for a flow (by its flow hash), or undefined when there are no targets. */
  selectTarget(flowHash: number): Underlay | undefined {
    if (this.sortedTargets.length === 0) return undefined;
    return this.sortedTargets[maglevLookup(this.table, flowHash)];
  }

  private rebuild(): void {
    this.table = buildMaglevTable(this.sortedTargets.map((t) => t.bytes));
  }
}

function portKey(protocol: number, port: number): number {
  return protocol * 0x10000 + port;
}
