import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ethernetArb, ipv6Arb, packetSpecArb } from "./arbitraries.js";
import { buildPacket } from "./buildPacket.js";
import { type Drop, isDrop } from "./dropReason.js";
import {
  type Decapsulated,
  decapsulate,
  ENCAPSULATION_OVERHEAD,
  encapsulate,
  encapsulateInPlace,
  encapsulateInto,
} from "./encapsulation.js";
import { parseIpv6 } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import { parseFrame, parseIpPacket } from "./parse.js";

function ok(result: Decapsulated | Drop): Decapsulated {
  if (isDrop(result)) throw new Error(`dropped: ${result.drop}`);
  return result;
}

const underlay = { src: parseIpv6("fc00:1::d001:0:1")!, dst: parseIpv6("fc00:2::d001:0:2")! };

describe("IP-in-IPv6", () => {
  it("encapsulate -> decapsulate gives back the inner packet and the outer addresses", () => {
    fc.assert(
      fc.property(
        packetSpecArb,
        ipv6Arb,
        ipv6Arb,
        fc.option(ethernetArb, { nil: undefined }),
        (spec, src, dst, eth) => {
          const inner = buildPacket({ ip: spec.ip, l4: spec.l4 });
          const outer = encapsulate(inner, { src, dst }, eth);
          const parsed = eth ? parseFrame(outer, { verifyL4Checksum: true }) : parseIpPacket(outer);
          if (isDrop(parsed)) throw new Error(parsed.drop);
          expect(parsed.ipVersion).toBe(6);
          expect(parsed.protocol).toBe(spec.ip.version === 4 ? IpProtocol.IPv4 : IpProtocol.IPv6);
          expect(parsed.ttl).toBe(64);
          expect(parsed.trafficClass).toBe(0);
          expect(parsed.flowLabel).toBe(0);
          const d = ok(decapsulate(parsed, { verifyL4Checksum: true }));
          expect(d.inner.ipPacket).toEqual(inner);
          expect(d.inner.ipVersion).toBe(spec.ip.version);
          expect(d.inner.hasEthernet).toBe(false);
          expect(d.outer.ipv6Src).toEqual(src);
          expect(d.outer.ipv6Dst).toEqual(dst);
          // Zero-copy: the inner packet is parsed inside the outer buffer.
          expect(d.inner.buf).toBe(outer);
          expect(d.inner.l3Offset).toBe((eth ? parsed.l3Offset : 0) + 40);
          expect(d.inner.verifyChecksums()).toBe(true);
          if (!eth) expect(ok(decapsulate(outer)).inner.ipPacket).toEqual(inner);
          // The inner frame's mutators work in place (e.g. DNAT after decapsulation).
          if (d.inner.ipVersion === 4) {
            d.inner.setIpv4Dst(0x0a000009);
            expect(d.inner.verifyChecksums()).toBe(true);
            expect(isDrop(parseIpPacket(outer, undefined, d.inner.l3Offset))).toBe(false);
          }
        },
      ),
    );
  });

  it("encapsulates in place into headroom", () => {
    const inner = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    const buf = new Uint8Array(ENCAPSULATION_OVERHEAD + inner.length);
    buf.set(inner, ENCAPSULATION_OVERHEAD);
    const outer = encapsulateInPlace(buf, ENCAPSULATION_OVERHEAD, inner.length, {
      ...underlay,
      hopLimit: 10,
    });
    expect(outer.buffer).toBe(buf.buffer);
    expect(outer).toEqual(encapsulate(inner, { ...underlay, hopLimit: 10 }));
    expect(() => encapsulateInPlace(buf, 39, inner.length, underlay)).toThrow(RangeError);
  });

  it("encapsulates into a reusable send buffer", () => {
    const inner = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    const send = new Uint8Array(2048).fill(0xee);
    const n = encapsulateInto(send, 0, inner, underlay);
    expect(send.subarray(0, n)).toEqual(encapsulate(inner, underlay));
    expect(() => encapsulateInto(new Uint8Array(40), 0, inner, underlay)).toThrow(RangeError);
  });

  it("has the expected outer header bytes", () => {
    const inner = buildPacket({ ip: { version: 4, src: 1, dst: 2 }, l4: { kind: "icmp", type: 8 } });
    const outer = encapsulate(inner, underlay);
    expect(Array.from(outer.subarray(0, 8))).toEqual([0x60, 0, 0, 0, 0, inner.length, 4, 64]);
    expect(outer.subarray(8, 24)).toEqual(underlay.src);
    expect(outer.subarray(24, 40)).toEqual(underlay.dst);
  });

  it("drops what is not a tunnel", () => {
    const udp6 = buildPacket({
      ip: { version: 6, src: underlay.src, dst: underlay.dst },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    expect(decapsulate(udp6)).toEqual({ drop: "not-encapsulated" });
    const v4 = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "raw", protocol: 41, payload: new Uint8Array(40) },
    });
    expect(decapsulate(v4)).toEqual({ drop: "not-encapsulated" });
    const wrongVersion = buildPacket({
      ip: { version: 6, src: underlay.src, dst: underlay.dst },
      l4: { kind: "raw", protocol: IpProtocol.IPv4, payload: new Uint8Array([0x60, 0, 0, 0]) },
    });
    expect(decapsulate(wrongVersion)).toEqual({ drop: "bad-ip-version" });
    const empty = buildPacket({
      ip: { version: 6, src: underlay.src, dst: underlay.dst },
      l4: { kind: "raw", protocol: IpProtocol.IPv6, payload: new Uint8Array(0) },
    });
    expect(decapsulate(empty)).toEqual({ drop: "truncated-ipv6" });
    const fragment = buildPacket({
      ip: {
        version: 6,
        src: underlay.src,
        dst: underlay.dst,
        extensions: [{ type: 44, identification: 1, fragmentOffset: 0, moreFragments: true }],
      },
      l4: { kind: "raw", protocol: IpProtocol.IPv4, payload: new Uint8Array([0x45]) },
    });
    expect(decapsulate(fragment)).toEqual({ drop: "unsupported-fragment" });
    expect(decapsulate(new Uint8Array(3))).toEqual({ drop: "bad-ip-version" });
  });

  it("refuses to encapsulate something that is not IP", () => {
    expect(() => encapsulate(new Uint8Array([0x10, 0]), underlay)).toThrow(RangeError);
  });
});
