import type { VirtualFunction } from "./virtualFunction.js";

/**
 * Upstream metalnet names a VF by its DPDK representor ("0000:3b:00.0_representor_vf5",
 * "..._representor_c0pf0vf5" in multiport-eswitch mode); the number is the VF's index.
 */
const REPRESENTOR = /_representor_(?:c\d+pf\d+)?vf(\d+)$/;

/** This node's VM ports. CreateInterface binds an interface to one by name. */
export class VfPool {
  readonly all: readonly VirtualFunction[];
  private readonly byName: Map<string, VirtualFunction>;

  constructor(names: readonly string[]) {
    this.all = names.map((name, index) => ({ index, name, iface: undefined }));
    this.byName = new Map(this.all.map((vf) => [vf.name, vf]));
    if (this.byName.size !== names.length) throw new Error("VF names must be unique");
  }

  /** By PCI address, or by an upstream representor name. */
  find(deviceName: string): VirtualFunction | undefined {
    const vf = this.byName.get(deviceName);
    if (vf) return vf;
    const m = REPRESENTOR.exec(deviceName);
    return m ? this.all[Number(m[1])] : undefined;
  }

  byIndex(index: number): VirtualFunction | undefined {
    return this.all[index];
  }

  firstFree(): VirtualFunction | undefined {
    return this.all.find((vf) => vf.iface === undefined);
  }
}
