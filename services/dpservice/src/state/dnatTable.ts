import type { InterfaceEntry } from "./interfaceEntry.js";

/**
 * Public IPv4 addresses of a VNI that inbound traffic is translated for: a VIP (1:1, belongs to
 * one interface) or a NAT IP (shared by every interface with a slice of that NAT gateway).
 */
export type DnatEntry = VipDnat | NatDnat;

export interface VipDnat {
  readonly kind: "vip";
  readonly iface: InterfaceEntry;
}

export interface NatDnat {
  readonly kind: "nat";
  /** Interfaces of this node sharing the NAT IP. */
  users: number;
}

/** Keyed by VNI, then by the IPv4 address (two Map lookups, no string building per packet). */
export class DnatTable {
  private readonly byVni = new Map<number, Map<number, DnatEntry>>();

  lookup(vni: number, ip: number): DnatEntry | undefined {
    return this.byVni.get(vni)?.get(ip);
  }

  /** false if the address is taken. */
  addVip(vni: number, ip: number, iface: InterfaceEntry): boolean {
    const ips = this.ips(vni);
    if (ips.has(ip)) return false;
    ips.set(ip, { kind: "vip", iface });
    return true;
  }

  /** One more interface sharing a NAT IP; false if the address is a VIP. */
  addNatUser(vni: number, ip: number): boolean {
    const ips = this.ips(vni);
    const entry = ips.get(ip);
    if (entry?.kind === "vip") return false;
    if (entry) entry.users++;
    else ips.set(ip, { kind: "nat", users: 1 });
    return true;
  }

  removeVip(vni: number, ip: number): void {
    if (this.lookup(vni, ip)?.kind === "vip") this.delete(vni, ip);
  }

  removeNatUser(vni: number, ip: number): void {
    const entry = this.lookup(vni, ip);
    if (entry?.kind === "nat" && --entry.users === 0) this.delete(vni, ip);
  }

  private ips(vni: number): Map<number, DnatEntry> {
    let ips = this.byVni.get(vni);
    if (!ips) {
      ips = new Map();
      this.byVni.set(vni, ips);
    }
    return ips;
  }

  private delete(vni: number, ip: number): void {
    const ips = this.byVni.get(vni);
    if (!ips) return;
    ips.delete(ip);
    if (ips.size === 0) this.byVni.delete(vni);
  }
}
