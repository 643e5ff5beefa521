import type { LpmEntry } from "./lpmEntry.js";
import type { RouteTarget } from "./routeTarget.js";
import { fail, StatusCode } from "./statusCode.js";
import { VniTable } from "./vniTable.js";

/** Per-VNI route tables, reference-counted by the interfaces and load balancers using them. */
export class VniTables {
  private readonly byVni = new Map<number, VniTable>();

  constructor(private readonly maxVnis: number) {}

  get(vni: number): VniTable | undefined {
    return this.byVni.get(vni);
  }

  has(vni: number): boolean {
    return this.byVni.has(vni);
  }

  list(): VniTable[] {
    return [...this.byVni.values()].sort((a, b) => a.vni - b.vni);
  }

  /** One more user of the VNI; creates its tables first if needed (VNI_INIT4 when too many VNIs). */
  acquire(vni: number): VniTable {
    let table = this.byVni.get(vni);
    if (!table) {
      if (this.byVni.size >= this.maxVnis) fail(StatusCode.VNI_INIT4);
      table = new VniTable(vni);
      this.byVni.set(vni, table);
    }
    table.users++;
    return table;
  }

  /** One user fewer; true when that was the last one and the tables (and routes) are gone. */
  release(vni: number): boolean {
    const table = this.byVni.get(vni);
    if (!table) return false;
    if (--table.users > 0) return false;
    this.byVni.delete(vni);
    return true;
  }

  /** Route lookup for an IPv4 destination (unsigned 32-bit) in a VNI. */
  lookupV4(vni: number, address: number): LpmEntry<number, RouteTarget> | undefined {
    return this.byVni.get(vni)?.v4.lookup(address);
  }

  /**
   * Route lookup for an IPv6 destination in a VNI: the 16 bytes at `offset` of a frame (fastest,
   * no allocation), or a 128-bit bigint.
   */
  lookupV6(vni: number, address: Uint8Array | bigint, offset = 0): LpmEntry<bigint, RouteTarget> | undefined {
    const table = this.byVni.get(vni)?.v6;
    if (!table) return undefined;
    return typeof address === "bigint" ? table.lookupBigInt(address) : table.lookup(address, offset);
  }
}
