import type { FirewallRule } from "./firewallRule.js";

/**
 * One interface's rules, in insertion order. The pipeline reads `ingress` / `egress` (already
 * split by direction, rebuilt on every change, so evaluation walks a plain array).
 */
export class FirewallRuleSet {
  private readonly byId = new Map<string, FirewallRule>();
  ingress: readonly FirewallRule[] = [];
  egress: readonly FirewallRule[] = [];

  get size(): number {
    return this.byId.size;
  }

  /** false if a rule with this id exists. */
  add(rule: FirewallRule): boolean {
    if (this.byId.has(rule.id)) return false;
    this.byId.set(rule.id, rule);
    this.split();
    return true;
  }

  get(id: string): FirewallRule | undefined {
    return this.byId.get(id);
  }

  remove(id: string): FirewallRule | undefined {
    const rule = this.byId.get(id);
    if (rule) {
      this.byId.delete(id);
      this.split();
    }
    return rule;
  }

  list(): FirewallRule[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
    this.split();
  }

  private split(): void {
    const rules = [...this.byId.values()];
    this.ingress = rules.filter((r) => r.direction === "ingress");
    this.egress = rules.filter((r) => r.direction === "egress");
  }
}
