import type { DataplaneState } from "../dataplaneState.js";
import type { FirewallRule } from "../firewallRule.js";
import { fail, StatusCode } from "../statusCode.js";

/** Appends a rule (ACCEPT or DROP: we enforce both, unlike upstream which refuses DROP). */
export function createFirewallRule(state: DataplaneState, interfaceId: string, rule: FirewallRule): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  if (!iface.firewall.add(rule)) fail(StatusCode.ALREADY_EXISTS);
  state.events.emit({ type: "firewall-changed", iface });
}

export function getFirewallRule(state: DataplaneState, interfaceId: string, ruleId: string): FirewallRule {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return iface.firewall.get(ruleId) ?? fail(StatusCode.NOT_FOUND);
}

export function deleteFirewallRule(state: DataplaneState, interfaceId: string, ruleId: string): void {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  if (!iface.firewall.remove(ruleId)) fail(StatusCode.NOT_FOUND);
  state.events.emit({ type: "firewall-changed", iface });
}

export function listFirewallRules(state: DataplaneState, interfaceId: string): FirewallRule[] {
  const iface = state.interfaces.get(interfaceId) ?? fail(StatusCode.NO_VM);
  return iface.firewall.list();
}
