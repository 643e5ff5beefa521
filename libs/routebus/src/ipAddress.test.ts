import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, formatPrefix, parseIp, parsePrefix } from "./ipAddress.js";

describe("IP text", () => {
  it("gives one canonical text for every spelling of an address", () => {
    expect(formatIp(parseIp("FD00:0:0:0::01")!)).toBe("fd00::1");
    expect(formatIp(parseIp("2001:db8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("::")!)).toBe("::");
    expect(formatIp(parseIp("1::")!)).toBe("1::");
    expect(formatIp(parseIp("2001:db8:0:1:1:1:1:1")!)).toBe("2001:db8:0:1:1:1:1:1");
    expect(formatIp(parseIp("::ffff:10.0.0.1")!)).toBe("::ffff:10.0.0.1");
    expect(formatIp(parseIp("10.0.0.1")!)).toBe("10.0.0.1");
  });

  it("rejects what is not an address", () => {
    for (const bad of [
      "",
      "10.0.0",
      "10.0.0.256",
      "fe80::1%eth0",
      "1:2:3:4:5:6:7:8:9",
      "::1::",
      "x",
      "1.2.3.4/32",
    ]) {
      expect(parseIp(bad)).toBeNull();
    }
  });

  it("round-trips any IPv6 address through text", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(parseIp(formatIp(bytes))).toEqual(bytes);
      }),
    );
  });

  it("parses prefixes without masking host bits, and checks the length", () => {
    expect(formatPrefix(parsePrefix("10.0.0.5/24")!)).toBe("10.0.0.5/24");
    expect(formatPrefix(parsePrefix("FD00::/64")!)).toBe("fd00::/64");
    expect(parsePrefix("10.0.0.0/33")).toBeNull();
    expect(parsePrefix("10.0.0.0")).toBeNull();
    expect(parsePrefix("10.0.0.0/-1")).toBeNull();
  });
});
