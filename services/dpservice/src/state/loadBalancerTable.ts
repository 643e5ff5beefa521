import { ipAddrKey } from "./ipAddr.js";
import type { LoadBalancer } from "./loadBalancer.js";

/** Load balancers by id (creation order) and by (VNI, IP), which must be unique too. */
export class LoadBalancerTable {
  private readonly byId = new Map<string, LoadBalancer>();
  private readonly byVniIp = new Map<string, LoadBalancer>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): LoadBalancer | undefined {
    return this.byId.get(id);
  }

  findByAddress(vni: number, ip: LoadBalancer["ip"]): LoadBalancer | undefined {
    return this.byVniIp.get(vniIpKey(vni, ip));
  }

  add(lb: LoadBalancer): void {
    this.byId.set(lb.id, lb);
    this.byVniIp.set(vniIpKey(lb.vni, lb.ip), lb);
  }

  remove(lb: LoadBalancer): void {
    this.byId.delete(lb.id);
    this.byVniIp.delete(vniIpKey(lb.vni, lb.ip));
  }

  list(): LoadBalancer[] {
    return [...this.byId.values()];
  }
}

function vniIpKey(vni: number, ip: LoadBalancer["ip"]): string {
  return `${vni}/${ipAddrKey(ip)}`;
}
