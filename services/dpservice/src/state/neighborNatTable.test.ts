import { describe, expect, it } from "vitest";
import type { NeighborNatEntry } from "./neighborNatEntry.js";
import { NeighborNatTable } from "./neighborNatTable.js";
import { underlayFromBytes } from "./underlay.js";

const underlay = underlayFromBytes(new Uint8Array(16).fill(1));
const range = (vni: number, minPort: number, maxPort: number, natIp = 0x01020304): NeighborNatEntry => ({
  natIp,
  vni,
  minPort,
  maxPort,
  underlay,
});

describe("NeighborNatTable", () => {
  it("refuses ranges overlapping any range of the same IP, whatever the VNI", () => {
    const t = new NeighborNatTable();
    expect(t.add(range(100, 1000, 2000))).toBe(true);
    expect(t.add(range(200, 1999, 3000))).toBe(false);
    expect(t.add(range(200, 500, 1001))).toBe(false);
    expect(t.add(range(200, 2000, 3000))).toBe(true); // max is exclusive: adjacent is fine
    expect(t.add(range(100, 1000, 2000, 0x01020305))).toBe(true); // another IP
    expect(t.size).toBe(3);
  });

  it("finds the range of a port by binary search, only in its VNI", () => {
    const t = new NeighborNatTable();
    for (let i = 0; i < 20; i++) t.add(range(i % 2 ? 100 : 200, 1000 + i * 100, 1100 + i * 100));
    expect(t.find(0x01020304, 100, 1150)?.minPort).toBe(1100);
    expect(t.find(0x01020304, 200, 1150)).toBeUndefined();
    expect(t.find(0x01020304, 200, 2899)?.minPort).toBe(2800);
    expect(t.find(0x01020304, 100, 2999)?.minPort).toBe(2900);
    expect(t.find(0x01020304, 100, 3000)).toBeUndefined();
    expect(t.find(0x01020304, 200, 999)).toBeUndefined();
  });

  it("removes exact ranges only, and by VNI", () => {
    const t = new NeighborNatTable();
    t.add(range(100, 1000, 2000));
    t.add(range(200, 2000, 3000));
    expect(t.remove(0x01020304, 100, 1000, 1999)).toBeUndefined();
    expect(t.removeWhere((e) => e.vni === 200).map((e) => e.vni)).toEqual([200]);
    expect(t.list().map((e) => e.vni)).toEqual([100]);
    expect(t.remove(0x01020304, 100, 1000, 2000)?.vni).toBe(100);
    expect(t.list()).toEqual([]);
  });
});
