import { parseIP } from "@ironcore-ts/ipam";
import { describe, expect, it } from "vitest";
import { PublicIPPools } from "./publicIPPools.js";

describe("PublicIPPools", () => {
  const pools = new PublicIPPools(["203.0.113.8/29", "2001:db8:ff::/56", "198.51.100.0/30"]);

  it("groups prefixes per family in configuration order", () => {
    expect(pools.describe("IPv4")).toBe("203.0.113.8/29, 198.51.100.0/30");
    expect(pools.describe("IPv6")).toBe("2001:db8:ff::/56");
    // /29: 8 - network - broadcast; /30: 4 - 2.
    expect(pools.size("IPv4")).toBe(8n);
    expect(pools.size("IPv6")).toBe(1n << 72n);
  });

  it("contains the prefixes without IPv4 network and broadcast addresses", () => {
    for (const ip of ["203.0.113.9", "203.0.113.14", "198.51.100.2", "2001:db8:ff::", "2001:db8:ff:ff::1"]) {
      expect(pools.contains(parseIP(ip)!)).toBe(true);
    }
    for (const ip of [
      "203.0.113.8",
      "203.0.113.15",
      "198.51.100.3",
      "203.0.113.16",
      "2001:db8:100::1",
      "10.0.0.1",
    ]) {
      expect(pools.contains(parseIP(ip)!)).toBe(false);
    }
  });

  it("keeps every address of /31 and /32 prefixes", () => {
    const small = new PublicIPPools(["192.0.2.0/31", "192.0.2.9/32"]);
    expect(small.size("IPv4")).toBe(3n);
    expect(small.contains(parseIP("192.0.2.0")!)).toBe(true);
  });

  it("refuses a bad prefix", () => {
    expect(() => new PublicIPPools(["203.0.113.0/33"])).toThrow(/not a valid CIDR/);
  });
});
