import { BROADCAST_MAC, copyBytes, type MacAddress, macEqual } from "@ironcore-ts/packet";

/**
 * The MACs of the VM ports: each port's own MAC (the gateway's, for the guest) and the guest's MAC
 * as learnt from ARP, DHCP and NDP. Indexed by VF, so a guest's MAC survives the re-creation of the
 * interface on its VF (as upstream). Until learnt, frames go to the broadcast MAC, which every
 * guest accepts (upstream starts from the representor's MAC).
 */
export class PortMacs {
  readonly port: MacAddress[];
  readonly guest: MacAddress[];
  readonly learnt: boolean[];

  constructor(vfCount: number, hostUnderlay: Uint8Array) {
    // Locally administered unicast, unique per node (bytes of its underlay /64) and VF.
    const a = hostUnderlay[6]! ^ hostUnderlay[4]! ^ hostUnderlay[2]!;
    const b = hostUnderlay[7]! ^ hostUnderlay[5]! ^ hostUnderlay[3]!;
    this.port = Array.from({ length: vfCount }, (_, i) =>
      Uint8Array.of(0x02, 0xd0, a, b, (i >> 8) & 0xff, i & 0xff),
    );
    this.guest = Array.from({ length: vfCount }, () => BROADCAST_MAC.slice());
    this.learnt = Array.from({ length: vfCount }, () => false);
  }

  /** Records the guest's MAC (copied); returns true if it changed. */
  learn(vfIndex: number, mac: Uint8Array, offset = 0): boolean {
    const current = this.guest[vfIndex];
    if (!current) return false;
    if (this.learnt[vfIndex] && macEqual(current, mac.subarray(offset, offset + 6))) return false;
    copyBytes(mac, offset, current, 0, 6);
    this.learnt[vfIndex] = true;
    return true;
  }
}
