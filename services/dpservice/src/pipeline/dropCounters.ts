import type { FirewallRule } from "../state/firewallRule.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import { ALL_DROP_REASONS } from "./dropReasons.js";

/** Packets and bytes attributed to one firewall rule (or a default policy). */
export class RuleCounter {
  packets = 0;
  bytes = 0;
}

/** The default-policy counters of one interface. */
export interface DefaultPolicyCounters {
  readonly ingress: RuleCounter;
  readonly egress: RuleCounter;
}

/**
 * Every counter of one pipeline, as plain numbers in typed arrays and small objects: the hot path
 * increments a slot (a few ns), and the Prometheus collector and GetStats read them on demand.
 * Drops are counted by reason (index from dropReasons.ts) and by input port.
 */
export class DataplaneCounters {
  readonly drops = new Float64Array(ALL_DROP_REASONS.length);
  processed = 0;
  readonly vfRxPackets: Float64Array;
  readonly vfRxBytes: Float64Array;
  readonly vfTxPackets: Float64Array;
  readonly vfTxBytes: Float64Array;
  readonly vfDrops: Float64Array;
  fabricRxPackets = 0;
  fabricRxBytes = 0;
  fabricTxPackets = 0;
  fabricTxBytes = 0;
  /** Keyed by the rule object: a deleted rule's counter goes with it. */
  private readonly rules = new WeakMap<FirewallRule, RuleCounter>();
  private readonly defaults = new WeakMap<InterfaceEntry, DefaultPolicyCounters>();

  constructor(vfCount: number) {
    this.vfRxPackets = new Float64Array(vfCount);
    this.vfRxBytes = new Float64Array(vfCount);
    this.vfTxPackets = new Float64Array(vfCount);
    this.vfTxBytes = new Float64Array(vfCount);
    this.vfDrops = new Float64Array(vfCount);
  }

  /** The counter of a rule, created on first use (at flow setup, not per packet). */
  rule(rule: FirewallRule): RuleCounter {
    let c = this.rules.get(rule);
    if (!c) {
      c = new RuleCounter();
      this.rules.set(rule, c);
    }
    return c;
  }

  peekRule(rule: FirewallRule): RuleCounter | undefined {
    return this.rules.get(rule);
  }

  defaultPolicy(iface: InterfaceEntry): DefaultPolicyCounters {
    let c = this.defaults.get(iface);
    if (!c) {
      c = { ingress: new RuleCounter(), egress: new RuleCounter() };
      this.defaults.set(iface, c);
    }
    return c;
  }

  peekDefaultPolicy(iface: InterfaceEntry): DefaultPolicyCounters | undefined {
    return this.defaults.get(iface);
  }

  totalDrops(): number {
    let n = 0;
    for (const v of this.drops) n += v;
    return n;
  }
}
