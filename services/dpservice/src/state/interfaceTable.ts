import type { InterfaceEntry } from "./interfaceEntry.js";

/** Interfaces by id, in creation order. By VF: `vf.iface` (see VfPool). */
export class InterfaceTable {
  private readonly byId = new Map<string, InterfaceEntry>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): InterfaceEntry | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(iface: InterfaceEntry): void {
    this.byId.set(iface.id, iface);
    iface.vf.iface = iface;
  }

  remove(iface: InterfaceEntry): void {
    this.byId.delete(iface.id);
    if (iface.vf.iface === iface) iface.vf.iface = undefined;
  }

  list(): InterfaceEntry[] {
    return [...this.byId.values()];
  }
}
