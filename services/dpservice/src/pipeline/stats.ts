import type { DataplaneState } from "../state/dataplaneState.js";
import type { DataplaneCounters } from "./dropCounters.js";
import { ALL_DROP_REASONS } from "./dropReasons.js";

export interface InterfaceStats {
  vfName: string;
  interfaceId: string;
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  drops: number;
}

export interface FirewallRuleStats {
  interfaceId: string;
  /** "default" for a direction's default policy. */
  ruleId: string;
  direction: "ingress" | "egress";
  action: string;
  packets: number;
  bytes: number;
}

export interface DataplaneStats {
  /** Reasons with at least one drop. */
  drops: { reason: string; packets: number }[];
  /** VFs that saw traffic or have an interface. */
  interfaces: InterfaceStats[];
  /** Every rule of every interface, then the default policies that counted something. */
  firewallRules: FirewallRuleStats[];
  fabric: { rxPackets: number; rxBytes: number; txPackets: number; txBytes: number };
  flows: number;
  processedPackets: number;
}

export function collectStats(
  state: DataplaneState,
  c: DataplaneCounters,
  flows: number,
  strictIngress = false,
): DataplaneStats {
  const drops: DataplaneStats["drops"] = [];
  for (let i = 0; i < c.drops.length; i++) {
    if (c.drops[i]! > 0) drops.push({ reason: ALL_DROP_REASONS[i]!, packets: c.drops[i]! });
  }
  const interfaces: InterfaceStats[] = [];
  for (const vf of state.vfs.all) {
    const i = vf.index;
    const seen = c.vfRxPackets[i]! + c.vfTxPackets[i]! + c.vfDrops[i]! > 0;
    if (!seen && !vf.iface) continue;
    interfaces.push({
      vfName: vf.name,
      interfaceId: vf.iface?.id ?? "",
      rxPackets: c.vfRxPackets[i]!,
      rxBytes: c.vfRxBytes[i]!,
      txPackets: c.vfTxPackets[i]!,
      txBytes: c.vfTxBytes[i]!,
      drops: c.vfDrops[i]!,
    });
  }
  const firewallRules: FirewallRuleStats[] = [];
  for (const iface of state.interfaces.list()) {
    for (const rule of iface.firewall.list()) {
      const counter = c.peekRule(rule);
      firewallRules.push({
        interfaceId: iface.id,
        ruleId: rule.id,
        direction: rule.direction,
        action: rule.action,
        packets: counter?.packets ?? 0,
        bytes: counter?.bytes ?? 0,
      });
    }
    const defaults = c.peekDefaultPolicy(iface);
    if (defaults) {
      const fw = iface.firewall;
      for (const direction of ["ingress", "egress"] as const) {
        const counter = defaults[direction];
        if (counter.packets === 0) continue;
        const open = direction === "egress" ? fw.egress.length === 0 : !strictIngress && fw.size === 0;
        firewallRules.push({
          interfaceId: iface.id,
          ruleId: "default",
          direction,
          action: open ? "accept" : "drop",
          packets: counter.packets,
          bytes: counter.bytes,
        });
      }
    }
  }
  return {
    drops,
    interfaces,
    firewallRules,
    fabric: {
      rxPackets: c.fabricRxPackets,
      rxBytes: c.fabricRxBytes,
      txPackets: c.fabricTxPackets,
      txBytes: c.fabricTxBytes,
    },
    flows,
    processedPackets: c.processed,
  };
}
