import { parseIpv6 } from "@ironcore-ts/packet";
import { describe, expect, it } from "vitest";
import { Ipv6Table } from "./ipv6Table.js";

describe("Ipv6Table", () => {
  it("stores, finds (by bigint or frame bytes) and deletes by the full 128 bits", () => {
    const table = new Ipv6Table<string>();
    const a = 0x20010db8_0000_0000_0000_0000_0000_0000n;
    const b = 0x20010db8_0000_0001_0000_0000_0000_0000n;
    expect(table.setBigInt(a, "a")).toBe(true);
    expect(table.setBigInt(b, "b")).toBe(true);
    expect(table.setBigInt(a, "again")).toBe(false);
    expect(table.getBigInt(a)).toBe("a");
    const frame = new Uint8Array(40);
    frame.set(parseIpv6("2001:db8:0:1::")!, 24);
    expect(table.getBytes(frame, 24)).toBe("b");
    expect(table.getBigInt(a | 1n)).toBeUndefined();
    expect(table.deleteBigInt(a)).toBe("a");
    expect(table.getBigInt(a)).toBeUndefined();
    expect(table.size).toBe(1);
    expect(table.values()).toEqual(["b"]);
  });

  it("keeps entries apart that differ in any single bit", () => {
    const table = new Ipv6Table<number>();
    for (let bit = 0; bit < 128; bit++) table.setBigInt(1n << BigInt(bit), bit);
    for (let bit = 0; bit < 128; bit++) expect(table.getBigInt(1n << BigInt(bit))).toBe(bit);
    expect(table.size).toBe(128);
  });
});
