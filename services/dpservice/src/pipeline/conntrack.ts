import type { Clock } from "./clock.js";
import { Flow, type FlowSide } from "./flow.js";
import { FlowTableV4 } from "./flowTable.js";
import type { NatPortAllocator } from "./natPortAllocator.js";
import { TcpState } from "./tcpStateMachine.js";

export interface ConntrackOptions {
  clock: Clock;
  /** Idle timeout of every flow but established TCP (upstream: 30 s). */
  flowTimeoutMs: number;
  /** Idle timeout of established TCP (upstream: 86 400 s). */
  establishedTimeoutMs: number;
  /** Upstream's flow table holds 850 000 flows. */
  maxFlows: number;
  nat: NatPortAllocator;
}

/**
 * The connection table. Each flow is stored under its original and its reply key (see flowKey.ts),
 * each pointing to that direction's FlowSide, so one lookup classifies a packet as belonging to a
 * known flow and tells the direction: IPv4 in a FlowTableV4 (numeric keys), IPv6 in a string Map.
 * Flows are aged by a periodic scan (upstream: every 5 s).
 */
export class Conntrack {
  private readonly v4 = new FlowTableV4();
  private readonly v6 = new Map<string, FlowSide>();
  private readonly byId = new Map<number, Flow>();
  private nextId = 1;

  constructor(readonly options: ConntrackOptions) {}

  get size(): number {
    return this.byId.size;
  }

  get full(): boolean {
    return this.byId.size >= this.options.maxFlows;
  }

  lookupV4(w0: number, w1: number, w2: number, w3: number): FlowSide | undefined {
    return this.v4.get(w0, w1, w2, w3);
  }

  lookupV6(key: string): FlowSide | undefined {
    return this.v6.get(key);
  }

  /** A new flow, not yet in the table: fill in its keys and actions, then insert() it. */
  newFlow(
    vni: number,
    family: 4 | 6,
    protocol: number,
    origOuterSrc: Uint8Array,
    replyOuterSrc: Uint8Array,
  ): Flow {
    return new Flow(
      this.nextId++,
      vni,
      family,
      protocol,
      this.options.clock.now,
      origOuterSrc,
      replyOuterSrc,
    );
  }

  /**
   * Makes the flow findable under both keys. A key already taken keeps pointing to the older flow
   * (e.g. a simultaneous open from both ends): the older flow wins, as in upstream's table.
   */
  insert(flow: Flow): void {
    this.byId.set(flow.id, flow);
    if (flow.family === 4) {
      for (const s of [flow.orig, flow.reply]) this.v4.set(s.k0, s.k1, s.k2, s.k3, s);
    } else {
      for (const s of [flow.orig, flow.reply]) if (!this.v6.has(s.key)) this.v6.set(s.key, s);
    }
  }

  remove(flow: Flow): void {
    if (!this.byId.delete(flow.id)) return;
    if (flow.family === 4) {
      for (const s of [flow.orig, flow.reply]) this.v4.delete(s.k0, s.k1, s.k2, s.k3, s);
    } else {
      for (const s of [flow.orig, flow.reply]) if (this.v6.get(s.key) === s) this.v6.delete(s.key);
    }
    if (flow.natMapping) {
      this.options.nat.release(flow.natMapping);
      flow.natMapping = undefined;
    }
  }

  timeoutOf(flow: Flow): number {
    return flow.tcpState === TcpState.Established
      ? this.options.establishedTimeoutMs
      : this.options.flowTimeoutMs;
  }

  /** Removes flows idle longer than their timeout; returns how many. */
  age(now = this.options.clock.now): number {
    let removed = 0;
    for (const flow of this.byId.values()) {
      if (now - flow.lastSeen > this.timeoutOf(flow)) {
        this.remove(flow);
        removed++;
      }
    }
    return removed;
  }

  /** Removes the flows `match` selects (state changes that invalidate them); returns how many. */
  flushWhere(match: (flow: Flow) => boolean): number {
    let removed = 0;
    for (const flow of this.byId.values()) {
      if (match(flow)) {
        this.remove(flow);
        removed++;
      }
    }
    return removed;
  }

  get(id: number): Flow | undefined {
    return this.byId.get(id);
  }

  flows(): IterableIterator<Flow> {
    return this.byId.values();
  }
}
