import { parseIpv6 } from "@ironcore-ts/packet";
import { describe, expect, it } from "vitest";
import { UnderlayGenerator } from "./underlayGenerator.js";

const nodePrefix = parseIpv6("fc00:1::1")!;

describe("UnderlayGenerator", () => {
  it("lays out prefix, 0xd0, subtype, flags, random byte and a counter", () => {
    const randoms = [0.5, 0.25, 0.75]; // counter start 128, then random bytes 64, 192
    const gen = new UnderlayGenerator({ nodePrefix, random: () => randoms.shift() ?? 0 });
    const a = gen.next("interface");
    const b = gen.next("nat");
    expect([...a.bytes.slice(0, 8)]).toEqual([0xfc, 0x00, 0x00, 0x01, 0, 0, 0, 0]);
    expect(a.bytes[8]).toBe(0xd0);
    expect(a.bytes[9]).toBe(0);
    expect(a.bytes[10]).toBe(0);
    expect(a.bytes[11]).toBe(64);
    expect(new DataView(a.bytes.buffer).getUint32(12)).toBe(129);
    expect(b.bytes[11]).toBe(192);
    expect(new DataView(b.bytes.buffer).getUint32(12)).toBe(130);
    expect(a.text).toBe("fc00:1::d000:40:0:81");
  });

  it("is deterministic in static mode and writes the kind with addressTypes", () => {
    const gen = new UnderlayGenerator({ nodePrefix, static: true, addressTypes: true });
    expect(gen.next("interface").text).toBe("fc00:1::d001:1:0:1");
    expect(gen.next("vip").text).toBe("fc00:1::d002:1:0:2");
    expect(gen.next("lb").bytes[9]).toBe(4);
    expect(gen.next("lbTarget").bytes[9]).toBe(5);
    expect(gen.next("prefix").bytes[9]).toBe(6);
    expect(gen.next("nat").bytes[9]).toBe(3);
  });

  it("accepts a preferred underlay only inside the node /64 with the external flag", () => {
    const gen = new UnderlayGenerator({ nodePrefix });
    expect(gen.acceptsPreferred(parseIpv6("fc00:1::8000:0:1")!)).toBe(true);
    expect(gen.acceptsPreferred(parseIpv6("fc00:1::8000:1234:1")!)).toBe(true);
    // No flag: could collide with generated addresses.
    expect(gen.acceptsPreferred(parseIpv6("fc00:1::1")!)).toBe(false);
    expect(gen.acceptsPreferred(parseIpv6("fc00:1::d000:0:0:1")!)).toBe(false);
    // Another node's /64.
    expect(gen.acceptsPreferred(parseIpv6("fc00:2::8000:0:1")!)).toBe(false);
  });
});
