import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetSpecArb } from "./arbitraries.js";
import { buildPacket, type PacketSpec } from "./buildPacket.js";
import { isDrop } from "./dropReason.js";
import { EtherType } from "./ethernet.js";
import type { Frame } from "./frame.js";
import { IpProtocol } from "./ipProtocol.js";
import { Fragment } from "./layout.js";
import { parseFrame, parseIpPacket } from "./parse.js";

/** Pads like the options fields: zero bytes up to a multiple of 4. */
function padded4(bytes: Uint8Array | undefined): number[] {
  if (!bytes) return [];
  const out = Array.from(bytes);
  while (out.length % 4 !== 0) out.push(0);
  return out;
}

function parseBuilt(spec: PacketSpec, bytes: Uint8Array): Frame {
  const result = spec.ethernet
    ? parseFrame(bytes, { verifyL4Checksum: true })
    : parseIpPacket(bytes, { verifyL4Checksum: true });
  if (isDrop(result)) throw new Error(`dropped: ${result.drop}`);
  return result;
}

function checkFields(spec: PacketSpec, f: Frame): void {
  const { ethernet, ip, l4 } = spec;
  if (ethernet) {
    expect(f.l2Offset).toBe(0);
    expect(f.srcMac).toEqual(ethernet.src);
    expect(f.dstMac).toEqual(ethernet.dst);
    expect(f.vlanId).toBe(ethernet.vlanId);
    if (ethernet.vlanId !== undefined) expect(f.vlanTci >> 13).toBe(ethernet.vlanPriority ?? 0);
  } else {
    expect(f.hasEthernet).toBe(false);
  }
  expect(f.fragment).toBe(Fragment.None);
  if (ip.version === 4) {
    expect(f.etherType).toBe(EtherType.IPv4);
    expect(f.ipVersion).toBe(4);
    expect(f.ipv4Src).toBe(ip.src);
    expect(f.ipv4Dst).toBe(ip.dst);
    expect(f.ttl).toBe(ip.ttl ?? 64);
    expect(f.trafficClass).toBe(ip.tos ?? 0);
    expect(f.ipv4Identification).toBe(ip.identification ?? 0);
    expect(f.dontFragment).toBe(ip.dontFragment ?? false);
    expect(Array.from(f.buf.subarray(f.l3Offset + 20, f.l4Offset))).toEqual(padded4(ip.options));
  } else {
    expect(f.etherType).toBe(EtherType.IPv6);
    expect(f.ipVersion).toBe(6);
    expect(f.ipv6Src).toEqual(ip.src);
    expect(f.ipv6Dst).toEqual(ip.dst);
    expect(f.ttl).toBe(ip.hopLimit ?? 64);
    expect(f.trafficClass).toBe(ip.trafficClass ?? 0);
    expect(f.flowLabel).toBe(ip.flowLabel ?? 0);
  }
  expect(f.ipEnd).toBe(f.buf.length);
  const payload = l4.payload ?? new Uint8Array(0);
  switch (l4.kind) {
    case "tcp":
      expect(f.protocol).toBe(IpProtocol.TCP);
      expect([f.srcPort, f.dstPort, f.tcpSeq, f.tcpAck, f.tcpFlags, f.tcpWindow, f.tcpUrgentPointer]).toEqual(
        [
          l4.srcPort,
          l4.dstPort,
          l4.seq ?? 0,
          l4.ack ?? 0,
          l4.flags ?? 0,
          l4.window ?? 0xffff,
          l4.urgentPointer ?? 0,
        ],
      );
      expect(f.tcpHeaderLength).toBe(20 + padded4(l4.options).length);
      expect(Array.from(f.buf.subarray(f.l4Offset + 20, f.payloadOffset))).toEqual(padded4(l4.options));
      break;
    case "udp":
      expect(f.protocol).toBe(IpProtocol.UDP);
      expect([f.srcPort, f.dstPort, f.udpLength]).toEqual([l4.srcPort, l4.dstPort, 8 + payload.length]);
      break;
    case "icmp":
    case "icmpv6":
      expect(f.protocol).toBe(l4.kind === "icmp" ? IpProtocol.ICMP : IpProtocol.ICMPv6);
      expect([f.icmpType, f.icmpCode, f.icmpRest]).toEqual([l4.type, l4.code ?? 0, l4.rest ?? 0]);
      expect(f.icmpIdentifier).toBe((l4.rest ?? 0) >>> 16);
      expect(f.icmpSequence).toBe((l4.rest ?? 0) & 0xffff);
      break;
    case "raw":
      break;
  }
  if (l4.kind === "icmpv6" && l4.type === 200) {
    // Unknown ICMPv6 types: only the 4-byte common header is known, the "rest" word is body.
    expect(f.payload.subarray(4)).toEqual(payload);
  } else {
    expect(f.payload).toEqual(payload);
  }
  expect(f.verifyChecksums()).toBe(true);
}

describe("build -> parse round trip", () => {
  it("returns every field, and all checksums verify", () => {
    fc.assert(
      fc.property(packetSpecArb, (spec) => {
        const bytes = buildPacket(spec);
        checkFields(spec, parseBuilt(spec, bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("a full checksum recomputation leaves built packets unchanged", () => {
    fc.assert(
      fc.property(packetSpecArb, (spec) => {
        const bytes = buildPacket(spec);
        const copy = bytes.slice();
        parseBuilt(spec, copy).updateChecksums();
        expect(copy).toEqual(bytes);
      }),
    );
  });

  it("any single-bit flip in a checksummed region fails verification", () => {
    fc.assert(
      fc.property(packetSpecArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (spec, at, bit) => {
        const bytes = buildPacket(spec);
        const f = parseBuilt(spec, bytes);
        // Flip a bit of the IP addresses or the upper layer: both are covered by a checksum.
        const start = f.ipVersion === 4 ? f.l3Offset + 12 : f.l4Offset;
        const i = start + (at % (bytes.length - start));
        bytes[i]! ^= 1 << bit;
        const again = spec.ethernet
          ? parseFrame(bytes, { verifyL4Checksum: true })
          : parseIpPacket(bytes, { verifyL4Checksum: true });
        if (!isDrop(again)) {
          // Only a flip that changed the parse itself (e.g. a TCP data offset) can look valid;
          // then the flipped byte is not where the checksum says.
          expect(again.verifyChecksums()).toBe(false);
        }
      }),
    );
  });

  it("refuses UDP without checksum over IPv6", () => {
    expect(() =>
      buildPacket({
        ip: { version: 6, src: new Uint8Array(16), dst: new Uint8Array(16) },
        l4: { kind: "udp", srcPort: 1, dstPort: 2, noChecksum: true },
      }),
    ).toThrow(RangeError);
  });
});
