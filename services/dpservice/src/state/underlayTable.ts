import { Ipv6Table } from "./ipv6Table.js";
import { fail, StatusCode } from "./statusCode.js";
import type { VnfEntry } from "./vnfEntry.js";

/** Every underlay address of this node and what it stands for. */
export class UnderlayTable {
  private readonly byAddress = new Ipv6Table<VnfEntry>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.byAddress.size;
  }

  /**
   * The packet-path lookup: the outer destination at `offset` of a received frame (no
   * allocation), or an address as bigint (Underlay.key).
   */
  lookup(address: Uint8Array | bigint, offset = 0): VnfEntry | undefined {
    return typeof address === "bigint"
      ? this.byAddress.getBigInt(address)
      : this.byAddress.getBytes(address, offset);
  }

  /** By Underlay.key (control plane). */
  get(key: bigint): VnfEntry | undefined {
    return this.byAddress.getBigInt(key);
  }

  /** VNF_INSERT when the address is taken or the table is full. */
  add(entry: VnfEntry): void {
    if (this.byAddress.size >= this.capacity || !this.byAddress.setBigInt(entry.underlay.key, entry)) {
      fail(StatusCode.VNF_INSERT);
    }
  }

  has(key: bigint): boolean {
    return this.byAddress.getBigInt(key) !== undefined;
  }

  remove(key: bigint): void {
    this.byAddress.deleteBigInt(key);
  }

  list(): VnfEntry[] {
    return this.byAddress.values();
  }
}
