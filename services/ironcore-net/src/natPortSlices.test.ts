import { describe, expect, it } from "vitest";
import {
  isSlotAligned,
  lowestFreeSlot,
  natUsablePorts,
  slotOfRange,
  slotPortRange,
  slotsPerIP,
} from "./natPortSlices.js";

describe("slotsPerIP", () => {
  it("divides the 64512 usable ports", () => {
    expect(natUsablePorts).toBe(64512);
    expect(slotsPerIP(2048)).toBe(31);
    expect(slotsPerIP(1024)).toBe(63);
    expect(slotsPerIP(4096)).toBe(15);
    expect(slotsPerIP(64)).toBe(1008);
    expect(slotsPerIP(64512)).toBe(1);
    expect(slotsPerIP(64513)).toBe(0);
  });

  it("refuses non-positive sizes", () => {
    expect(() => slotsPerIP(0)).toThrow(RangeError);
    expect(() => slotsPerIP(-2)).toThrow(RangeError);
    expect(() => slotsPerIP(1.5)).toThrow(RangeError);
  });
});

describe("slotPortRange", () => {
  it("maps slot k to [1024 + k·ppn, +ppn−1]", () => {
    expect(slotPortRange(0, 2048)).toEqual({ port: 1024, endPort: 3071 });
    expect(slotPortRange(1, 2048)).toEqual({ port: 3072, endPort: 5119 });
    expect(slotPortRange(30, 2048)).toEqual({ port: 62464, endPort: 64511 });
    expect(slotPortRange(62, 1024)).toEqual({ port: 64512, endPort: 65535 });
  });

  it("refuses slots past the last one", () => {
    expect(() => slotPortRange(31, 2048)).toThrow(RangeError);
    expect(() => slotPortRange(-1, 2048)).toThrow(RangeError);
  });
});

describe("slot alignment", () => {
  it("honours exactly one aligned slot", () => {
    expect(slotOfRange({ port: 3072, endPort: 5119 }, 2048)).toBe(1);
    expect(isSlotAligned({ port: 1024, endPort: 3071 }, 2048)).toBe(true);
  });

  it("refuses misaligned, wrongly sized or out-of-range sections", () => {
    expect(slotOfRange({ port: 3073, endPort: 5120 }, 2048)).toBeUndefined();
    expect(slotOfRange({ port: 1024, endPort: 2047 }, 2048)).toBeUndefined();
    expect(slotOfRange({ port: 64512, endPort: 66559 }, 2048)).toBeUndefined();
    expect(slotOfRange({ port: 80, endPort: 2127 }, 2048)).toBeUndefined();
    // A table written with 1024 ports per NIC is not aligned for 2048.
    expect(isSlotAligned({ port: 2048, endPort: 3071 }, 2048)).toBe(false);
  });
});

describe("lowestFreeSlot", () => {
  it("finds the lowest gap, or nothing when full", () => {
    expect(lowestFreeSlot(new Set(), 2048)).toBe(0);
    expect(lowestFreeSlot(new Set([0, 1, 3]), 2048)).toBe(2);
    expect(lowestFreeSlot(new Set(Array.from({ length: 31 }, (_, i) => i)), 2048)).toBeUndefined();
  });
});
