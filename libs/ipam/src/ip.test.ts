import { describe, expect, it } from "vitest";
import {
  canonicalIP,
  canonicalPrefix,
  ipFamilyOf,
  isSingleIP,
  parseIP,
  parsePrefix,
  prefixContains,
} from "./ip.js";

describe("parseIP / ipFamilyOf", () => {
  it.each([
    ["10.0.0.1", "IPv4"],
    ["0.0.0.0", "IPv4"],
    ["255.255.255.255", "IPv4"],
    ["::", "IPv6"],
    ["::1", "IPv6"],
    ["2001:db8::1", "IPv6"],
    ["2001:DB8:0:0:0:0:0:1", "IPv6"],
    ["::ffff:10.0.0.1", "IPv6"],
    ["64:ff9b::192.0.2.33", "IPv6"],
  ])("%s is %s", (ip, family) => {
    expect(ipFamilyOf(ip)).toBe(family);
  });

  it.each([
    "",
    "10.0.0",
    "10.0.0.256",
    "010.0.0.1",
    "10.0.0.1/32",
    " 10.0.0.1",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::",
    "fe80::1%eth0",
    "::ffff:10.0.0.256",
    "1:2:3:4:5:6:7::8",
    "hello",
  ])("%j is not an IP", (ip) => {
    expect(parseIP(ip)).toBeUndefined();
  });
});

describe("canonical form", () => {
  it.each([
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:0a00:0001", "::ffff:10.0.0.1"],
    ["10.0.0.1", "10.0.0.1"],
  ])("%s -> %s", (input, canonical) => {
    expect(canonicalIP(input)).toBe(canonical);
  });

  it("keeps host bits of prefixes, as netip does", () => {
    expect(canonicalPrefix("10.0.0.1/24")).toBe("10.0.0.1/24");
    expect(canonicalPrefix("2001:DB8::/32")).toBe("2001:db8::/32");
  });
});

describe("prefixes", () => {
  it("parses lengths within the family", () => {
    expect(parsePrefix("10.0.0.0/8")).toEqual({ family: "IPv4", addr: 0x0a000000n, bits: 8 });
    expect(parsePrefix("10.0.0.0/33")).toBeUndefined();
    expect(parsePrefix("::/129")).toBeUndefined();
    expect(parsePrefix("10.0.0.0/08")).toBeUndefined();
    expect(parsePrefix("10.0.0.0")).toBeUndefined();
  });

  it("decides containment by network and length", () => {
    const p = (s: string) => parsePrefix(s)!;
    expect(prefixContains(p("10.0.0.0/8"), p("10.1.0.0/16"))).toBe(true);
    expect(prefixContains(p("10.0.0.0/8"), p("10.0.0.0/8"))).toBe(true);
    expect(prefixContains(p("10.0.0.0/16"), p("10.0.0.0/8"))).toBe(false);
    expect(prefixContains(p("10.0.0.0/16"), p("10.1.0.0/24"))).toBe(false);
    expect(prefixContains(p("10.0.0.0/8"), p("::/128"))).toBe(false);
    expect(prefixContains(p("2001:db8::/32"), p("2001:db8:ffff::/48"))).toBe(true);
  });

  it("knows single-IP prefixes", () => {
    expect(isSingleIP(parsePrefix("10.0.0.1/32")!)).toBe(true);
    expect(isSingleIP(parsePrefix("2001:db8::1/128")!)).toBe(true);
    expect(isSingleIP(parsePrefix("10.0.0.0/31")!)).toBe(false);
  });
});
