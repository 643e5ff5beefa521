import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { macArb } from "./arbitraries.js";
import { BROADCAST_MAC, formatMac, isMulticastMac, macEqual, parseMac } from "./mac.js";

describe("MAC addresses", () => {
  it("parses and formats", () => {
    expect(Array.from(parseMac("02:AB:cd:00:01:ff")!)).toEqual([2, 0xab, 0xcd, 0, 1, 0xff]);
    expect(formatMac(new Uint8Array([2, 0xab, 0xcd, 0, 1, 0xff]))).toBe("02:ab:cd:00:01:ff");
    expect(parseMac("02:ab:cd:00:01")).toBeUndefined();
    expect(parseMac("02-ab-cd-00-01-ff")).toBeUndefined();
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(parseMac("02:00:00:00:00:01")!)).toBe(false);
  });

  it("round-trips", () => {
    fc.assert(fc.property(macArb, (m) => macEqual(parseMac(formatMac(m))!, m)));
  });
});
