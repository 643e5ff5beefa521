import { grpcMetrics, type RunningService } from "@ironcore-ts/runtime";
import type { DataplaneCounters } from "./dropCounters.js";
import { ALL_DROP_REASONS } from "./dropReasons.js";

type Registry = RunningService["registry"];

/** The part of prom-client's Counter the collector uses. */
interface PromCounter {
  reset(): void;
  inc(labels: Record<string, string>, value: number): void;
}

interface PromCounterConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
  registers: Registry[];
  collect(this: PromCounter): void;
}

type PromCounterConstructor = new (config: PromCounterConfig) => PromCounter;

/**
 * prom-client's Counter class. @ironcore-ts/dpservice does not depend on prom-client directly
 * (only @ironcore-ts/runtime does, and pnpm does not hoist it), so the class is taken from a
 * Counter the runtime already made. Once prom-client is a dependency of this package, replace this
 * with `import { Counter } from "prom-client"`.
 */
function counterClass(registry: Registry): PromCounterConstructor {
  return grpcMetrics(registry).handled.constructor as unknown as PromCounterConstructor;
}

export interface CountedNode {
  /** `node` label value. */
  readonly name: string;
  readonly counters: DataplaneCounters;
  /** VF names by index, for the `vf` label. */
  readonly vfNames: readonly string[];
  readonly flowCount: () => number;
}

const nodesByRegistry = new WeakMap<Registry, Set<CountedNode>>();

/**
 * Exposes the counters of every pipeline registered with `registry` as Prometheus counters. The
 * values are read at scrape time (collect): the packet path never touches prom-client, whose
 * labelled inc() costs far more than the typed-array slot it increments instead. Several
 * pipelines may share a registry (tests run two nodes in one process), told apart by `node`.
 * Returns the unregister function.
 */
export function registerPrometheus(registry: Registry, node: CountedNode): () => void {
  let nodes = nodesByRegistry.get(registry);
  if (!nodes) {
    const all = new Set<CountedNode>();
    nodes = all;
    nodesByRegistry.set(registry, all);
    const Counter = counterClass(registry);
    new Counter({
      name: "dpservice_packet_drops_total",
      help: "Packets dropped by the dpservice pipeline, by reason.",
      labelNames: ["node", "reason"],
      registers: [registry],
      collect() {
        this.reset();
        for (const n of all) {
          const drops = n.counters.drops;
          for (let i = 0; i < drops.length; i++) {
            if (drops[i]! > 0) this.inc({ node: n.name, reason: ALL_DROP_REASONS[i]! }, drops[i]!);
          }
        }
      },
    });
    new Counter({
      name: "dpservice_packets_processed_total",
      help: "Packets that entered the dpservice pipeline (VM ports and fabric).",
      labelNames: ["node"],
      registers: [registry],
      collect() {
        this.reset();
        for (const n of all) this.inc({ node: n.name }, n.counters.processed);
      },
    });
    new Counter({
      name: "dpservice_port_packets_total",
      help: "Packets received from (rx) and sent to (tx) VM ports.",
      labelNames: ["node", "vf", "direction"],
      registers: [registry],
      collect() {
        this.reset();
        for (const n of all) {
          const c = n.counters;
          for (let i = 0; i < n.vfNames.length; i++) {
            const vf = n.vfNames[i]!;
            if (c.vfRxPackets[i]! > 0) this.inc({ node: n.name, vf, direction: "rx" }, c.vfRxPackets[i]!);
            if (c.vfTxPackets[i]! > 0) this.inc({ node: n.name, vf, direction: "tx" }, c.vfTxPackets[i]!);
          }
        }
      },
    });
    new Counter({
      name: "dpservice_fabric_packets_total",
      help: "Encapsulated packets received from (rx) and sent to (tx) the underlay fabric.",
      labelNames: ["node", "direction"],
      registers: [registry],
      collect() {
        this.reset();
        for (const n of all) {
          this.inc({ node: n.name, direction: "rx" }, n.counters.fabricRxPackets);
          this.inc({ node: n.name, direction: "tx" }, n.counters.fabricTxPackets);
        }
      },
    });
  }
  nodes.add(node);
  return () => nodes.delete(node);
}
