import { describe, expect, it } from "vitest";
import { consecutivePciAddresses, parsePciAddress } from "./pciAddress.js";
import { VfPool } from "./vfPool.js";

describe("PCI addresses", () => {
  it("counts functions, then slots, then buses", () => {
    expect(consecutivePciAddresses("0000:3b:00.6", 4)).toEqual([
      "0000:3b:00.6",
      "0000:3b:00.7",
      "0000:3b:01.0",
      "0000:3b:01.1",
    ]);
    expect(consecutivePciAddresses("0000:3b:1f.7", 2)).toEqual(["0000:3b:1f.7", "0000:3c:00.0"]);
    expect(consecutivePciAddresses("0000:3b:00.2", 126).at(-1)).toBe("0000:3b:0f.7");
  });

  it("rejects what is not dddd:bb:ss.f", () => {
    expect(parsePciAddress("0000:3b:00.8")).toBeUndefined();
    expect(parsePciAddress("0000:3b:20.0")).toBeUndefined();
    expect(parsePciAddress("3b:00.0")).toBeUndefined();
    expect(() => consecutivePciAddresses("nope", 1)).toThrow(/PCI address/);
  });
});

describe("VfPool", () => {
  it("finds a VF by PCI address or upstream representor name", () => {
    const pool = new VfPool(consecutivePciAddresses("0000:3b:00.2", 4));
    expect(pool.find("0000:3b:00.3")?.index).toBe(1);
    expect(pool.find("0000:3b:00.0_representor_vf2")?.name).toBe("0000:3b:00.4");
    expect(pool.find("0000:3b:00.0_representor_c0pf0vf3")?.name).toBe("0000:3b:00.5");
    expect(pool.find("0000:3b:00.0_representor_vf4")).toBeUndefined();
    expect(pool.find("invalid")).toBeUndefined();
    expect(pool.firstFree()?.index).toBe(0);
  });
});
