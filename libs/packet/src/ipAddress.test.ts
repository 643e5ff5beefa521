import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipv4Arb, ipv6Arb } from "./arbitraries.js";
import {
  formatIpv4,
  formatIpv4Prefix,
  formatIpv6,
  formatIpv6Prefix,
  ipv4Mask,
  ipv4Network,
  ipv4PrefixContains,
  ipv6Equal,
  ipv6FromBigInt,
  ipv6Key,
  ipv6Network,
  ipv6PrefixContains,
  ipv6ToBigInt,
  parseIpv4,
  parseIpv4Prefix,
  parseIpv6,
  parseIpv6Prefix,
} from "./ipAddress.js";

const v6 = (text: string) => parseIpv6(text)!;

describe("IPv4 text", () => {
  it("parses and formats dotted quads", () => {
    expect(parseIpv4("10.0.0.1")).toBe(0x0a000001);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(formatIpv4(0xc0a80001)).toBe("192.168.0.1");
    expect(formatIpv4(0xffffffff)).toBe("255.255.255.255");
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.-4"])(
    "rejects %j",
    (text) => expect(parseIpv4(text)).toBeUndefined(),
  );

  it("round-trips every address", () => {
    fc.assert(fc.property(ipv4Arb, (a) => parseIpv4(formatIpv4(a)) === a));
  });
});

describe("IPv6 text", () => {
  it("formats canonically (RFC 5952 examples)", () => {
    expect(formatIpv6(v6("2001:0db8:0000:0000:0000:0000:0000:0001"))).toBe("2001:db8::1");
    expect(formatIpv6(v6("2001:db8:0:0:1:0:0:1"))).toBe("2001:db8::1:0:0:1"); // first of equal runs
    expect(formatIpv6(v6("2001:db8:0:1:1:1:1:1"))).toBe("2001:db8:0:1:1:1:1:1"); // one zero group stays
    expect(formatIpv6(v6("2001:0:0:1:0:0:0:1"))).toBe("2001:0:0:1::1"); // longest run
    expect(formatIpv6(v6("2001:DB8::AAAA"))).toBe("2001:db8::aaaa"); // lowercase
    expect(formatIpv6(v6("::"))).toBe("::");
    expect(formatIpv6(v6("::1"))).toBe("::1");
    expect(formatIpv6(v6("1::"))).toBe("1::");
    expect(formatIpv6(v6("::ffff:192.0.2.1"))).toBe("::ffff:192.0.2.1"); // mapped: dotted (section 5)
    expect(formatIpv6(v6("fe80::1"))).toBe("fe80::1");
  });

  it("parses the forms RFC 4291 allows", () => {
    expect(Array.from(v6("::ffff:1.2.3.4"))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(formatIpv6(v6("1:2:3:4:5:6:7.8.9.10"))).toBe("1:2:3:4:5:6:708:90a");
    expect(formatIpv6(v6("1:2:3:4:5:6:7:8"))).toBe("1:2:3:4:5:6:7:8");
  });

  it.each([
    "",
    ":",
    ":::",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "1::2::3",
    "12345::",
    "g::",
    ":1::",
    "1::2:",
    "::1.2.3",
    "1.2.3.4::",
    "fe80::1%eth0",
  ])("rejects %j", (text) => expect(parseIpv6(text)).toBeUndefined());

  it("round-trips and agrees with Node (WHATWG URL host serialization = RFC 5952 for non-mapped)", () => {
    fc.assert(
      fc.property(
        // Bias towards zero groups so "::" placement is exercised.
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
          minLength: 8,
          maxLength: 8,
        }),
        (words) => {
          const bytes = new Uint8Array(16);
          words.forEach((w, i) => {
            bytes[i * 2] = w >> 8;
            bytes[i * 2 + 1] = w & 0xff;
          });
          const text = formatIpv6(bytes);
          expect(ipv6Equal(parseIpv6(text)!, bytes)).toBe(true);
          expect(isIP(text)).toBe(6);
          const mapped = words.slice(0, 6).join(",") === "0,0,0,0,0,65535";
          if (!mapped) expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
        },
      ),
    );
  });

  it("accepts any case and zero padding Node accepts", () => {
    fc.assert(
      fc.property(ipv6Arb, fc.boolean(), (bytes, upper) => {
        const groups: string[] = [];
        for (let i = 0; i < 16; i += 2)
          groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16).padStart(4, "0"));
        const text = upper ? groups.join(":").toUpperCase() : groups.join(":");
        expect(ipv6Equal(parseIpv6(text)!, bytes)).toBe(true);
      }),
    );
  });

  it("converts to and from bigint (for Map keys)", () => {
    expect(ipv6ToBigInt(v6("::1"))).toBe(1n);
    expect(ipv6ToBigInt(v6("8000::"))).toBe(1n << 127n);
    fc.assert(fc.property(ipv6Arb, (a) => ipv6Equal(ipv6FromBigInt(ipv6ToBigInt(a)), a)));
    const m = new Map([[ipv6ToBigInt(v6("2001:db8::1")), "x"]]);
    expect(m.get(ipv6ToBigInt(v6("2001:DB8:0::1")))).toBe("x");
  });

  it("makes string Map keys that are equal exactly when the addresses are", () => {
    fc.assert(
      fc.property(ipv6Arb, ipv6Arb, (a, b) => {
        expect(ipv6Key(a)).toHaveLength(16);
        expect(ipv6Key(a) === ipv6Key(b)).toBe(ipv6Equal(a, b));
        const buf = new Uint8Array(24);
        buf.set(a, 8);
        expect(ipv6Key(buf, 8)).toBe(ipv6Key(a));
      }),
    );
  });

  it("formats from an offset inside a buffer", () => {
    const buf = new Uint8Array(20);
    buf.set(v6("2001:db8::7"), 4);
    expect(formatIpv6(buf, 4)).toBe("2001:db8::7");
  });
});

describe("prefixes", () => {
  it("masks IPv4", () => {
    expect(ipv4Mask(0)).toBe(0);
    expect(ipv4Mask(8)).toBe(0xff000000);
    expect(ipv4Mask(32)).toBe(0xffffffff);
    expect(ipv4Network(parseIpv4("10.1.2.3")!, 16)).toBe(parseIpv4("10.1.0.0"));
    expect(ipv4PrefixContains(parseIpv4("10.0.0.0")!, 8, parseIpv4("10.255.0.1")!)).toBe(true);
    expect(ipv4PrefixContains(parseIpv4("10.0.0.0")!, 8, parseIpv4("11.0.0.1")!)).toBe(false);
    expect(ipv4PrefixContains(0, 0, 0xffffffff)).toBe(true);
  });

  it("IPv4 contains agrees with a bit-by-bit comparison", () => {
    fc.assert(
      fc.property(ipv4Arb, ipv4Arb, fc.integer({ min: 0, max: 32 }), (p, a, len) => {
        const expected = len === 0 || p >>> (32 - len) === a >>> (32 - len);
        expect(ipv4PrefixContains(p, len, a)).toBe(expected);
        expect(ipv4PrefixContains(p, len, ipv4Network(p, len))).toBe(true);
      }),
    );
  });

  it("IPv6 contains agrees with bigint arithmetic", () => {
    fc.assert(
      fc.property(ipv6Arb, ipv6Arb, fc.integer({ min: 0, max: 128 }), (p, a, len) => {
        const shift = BigInt(128 - len);
        const expected = ipv6ToBigInt(p) >> shift === ipv6ToBigInt(a) >> shift;
        expect(ipv6PrefixContains(p, len, a)).toBe(expected);
        const net = ipv6Network(a, len);
        expect(ipv6ToBigInt(net)).toBe((ipv6ToBigInt(a) >> shift) << shift);
        expect(ipv6PrefixContains(net, len, a)).toBe(true);
      }),
    );
  });

  it("parses and formats CIDR text", () => {
    expect(parseIpv4Prefix("10.0.0.0/8")).toEqual({ address: 0x0a000000, length: 8 });
    expect(parseIpv4Prefix("0.0.0.0/0")).toEqual({ address: 0, length: 0 });
    expect(parseIpv4Prefix("10.0.0.0/33")).toBeUndefined();
    expect(parseIpv4Prefix("10.0.0.0/08")).toBeUndefined();
    expect(parseIpv4Prefix("10.0.0.0")).toBeUndefined();
    expect(formatIpv4Prefix(parseIpv4Prefix("192.168.0.0/16")!)).toBe("192.168.0.0/16");
    expect(formatIpv6Prefix(parseIpv6Prefix("2001:DB8:0::/32")!)).toBe("2001:db8::/32");
    expect(parseIpv6Prefix("::/129")).toBeUndefined();
    expect(parseIpv6Prefix("::/128")?.length).toBe(128);
  });
});
