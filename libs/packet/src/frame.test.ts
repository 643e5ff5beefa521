import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipv4Arb, ipv6Arb, macArb, packetSpecArb, portArb } from "./arbitraries.js";
import { buildPacket, type PacketSpec } from "./buildPacket.js";
import { type Drop, isDrop } from "./dropReason.js";
import type { Frame } from "./frame.js";
import { parseFrame, parseIcmpErrorInner, parseIpPacket } from "./parse.js";

type Mutation =
  | { op: "ipv4Src" | "ipv4Dst"; value: number }
  | { op: "ipv6Src" | "ipv6Dst"; value: Uint8Array }
  | { op: "srcPort" | "dstPort" | "icmpId"; value: number }
  | { op: "srcMac" | "dstMac"; value: Uint8Array }
  | { op: "ttl" };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom("ipv4Src" as const, "ipv4Dst" as const), value: ipv4Arb }),
  fc.record({ op: fc.constantFrom("ipv6Src" as const, "ipv6Dst" as const), value: ipv6Arb }),
  fc.record({
    op: fc.constantFrom("srcPort" as const, "dstPort" as const, "icmpId" as const),
    value: portArb,
  }),
  fc.record({ op: fc.constantFrom("srcMac" as const, "dstMac" as const), value: macArb }),
  fc.record({ op: fc.constant("ttl" as const) }),
);

function must(result: Frame | Drop): Frame {
  if (isDrop(result)) throw new Error(`dropped: ${result.drop}`);
  return result;
}

/** Applies a mutation and checks the field reads back; returns whether it applied. */
function apply(f: Frame, m: Mutation): boolean {
  switch (m.op) {
    case "ipv4Src":
      return f.setIpv4Src(m.value) && readsBack(f.ipv4Src, m.value);
    case "ipv4Dst":
      return f.setIpv4Dst(m.value) && readsBack(f.ipv4Dst, m.value);
    case "ipv6Src":
      return f.setIpv6Src(m.value) && readsBack(f.ipv6Src, m.value);
    case "ipv6Dst":
      return f.setIpv6Dst(m.value) && readsBack(f.ipv6Dst, m.value);
    case "srcPort":
      return f.setSrcPort(m.value) && readsBack(f.srcPort, m.value);
    case "dstPort":
      return f.setDstPort(m.value) && readsBack(f.dstPort, m.value);
    case "icmpId":
      return f.setIcmpIdentifier(m.value) && readsBack(f.icmpIdentifier, m.value);
    case "srcMac":
      return f.setSrcMac(m.value) && readsBack(f.srcMac, m.value);
    case "dstMac":
      return f.setDstMac(m.value) && readsBack(f.dstMac, m.value);
    case "ttl": {
      const before = f.ttl;
      const ok = f.decrementTtl();
      expect(ok).toBe(before > 1);
      return readsBack(f.ttl, ok ? before - 1 : before) && ok;
    }
  }
}

function readsBack(actual: unknown, expected: unknown): true {
  expect(actual).toEqual(expected);
  return true;
}

function parseAny(spec: PacketSpec, bytes: Uint8Array): Frame {
  return must(spec.ethernet ? parseFrame(bytes) : parseIpPacket(bytes));
}

describe("in-place mutators", () => {
  it("incremental checksum updates equal a full recomputation", () => {
    fc.assert(
      fc.property(packetSpecArb, fc.array(mutationArb, { minLength: 1, maxLength: 8 }), (spec, mutations) => {
        const bytes = buildPacket(spec);
        const f = parseAny(spec, bytes);
        for (const m of mutations) apply(f, m);
        expect(f.verifyChecksums()).toBe(true);
        const recomputed = bytes.slice();
        must(
          spec.ethernet
            ? parseFrame(recomputed, { verifyIpv4Checksum: false })
            : parseIpPacket(recomputed, { verifyIpv4Checksum: false }),
        ).updateChecksums();
        expect(bytes).toEqual(recomputed);
      }),
      { numRuns: 1000 },
    );
  });

  it("do not apply to the wrong kind of packet", () => {
    const udp4 = must(
      parseIpPacket(
        buildPacket({ ip: { version: 4, src: 1, dst: 2 }, l4: { kind: "udp", srcPort: 1, dstPort: 2 } }),
      ),
    );
    expect(udp4.setIpv6Src(new Uint8Array(16))).toBe(false);
    expect(udp4.setIcmpIdentifier(5)).toBe(false);
    expect(udp4.setSrcMac(new Uint8Array(6))).toBe(false);
    const icmp4 = must(
      parseIpPacket(
        buildPacket({ ip: { version: 4, src: 1, dst: 2 }, l4: { kind: "icmp", type: 3, code: 1 } }),
      ),
    );
    expect(icmp4.setIcmpIdentifier(5)).toBe(false); // not an echo
    expect(icmp4.setSrcPort(5)).toBe(false);
  });

  it("keeps a zero (absent) UDP checksum zero over IPv4", () => {
    const bytes = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "udp", srcPort: 1, dstPort: 2, noChecksum: true, payload: new Uint8Array([1, 2, 3]) },
    });
    const f = must(parseIpPacket(bytes));
    f.setIpv4Src(0x0a000001);
    f.setSrcPort(4000);
    expect(f.l4Checksum).toBe(0);
    expect(f.verifyChecksums()).toBe(true);
  });

  it("writes a computed zero UDP checksum as 0xffff", () => {
    // Search a source port that makes the UDP checksum come out as 0 and check both paths agree.
    const bytes = buildPacket({
      ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 },
      l4: { kind: "udp", srcPort: 0, dstPort: 9 },
    });
    const f = must(parseIpPacket(bytes));
    const base = f.l4Checksum;
    // Changing the source port by d changes the checksum by -d (ones' complement), so d = base hits 0.
    expect(f.setSrcPort(base)).toBe(true);
    expect(f.l4Checksum).toBe(0xffff);
    expect(f.verifyChecksums()).toBe(true);
    const copy = bytes.slice();
    must(parseIpPacket(copy)).updateChecksums();
    expect(copy).toEqual(bytes);
  });

  it("refuses to decrement a TTL of 1 or 0", () => {
    for (const ttl of [0, 1]) {
      const bytes = buildPacket({
        ip: { version: 4, src: 1, dst: 2, ttl },
        l4: { kind: "udp", srcPort: 1, dstPort: 2 },
      });
      const before = bytes.slice();
      expect(must(parseIpPacket(bytes)).decrementTtl()).toBe(false);
      expect(bytes).toEqual(before);
    }
  });
});

/** Original packets small enough to be quoted whole by an ICMP error. */
const quotedArb: fc.Arbitrary<PacketSpec> = packetSpecArb.map((s) => ({ ip: s.ip, l4: s.l4 }));

describe("mutating the packet quoted by an ICMP error (NAT of errors)", () => {
  it("keeps the quoted checksums and the enclosing ICMP checksum right", () => {
    fc.assert(
      fc.property(
        quotedArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
        ipv4Arb,
        ipv6Arb,
        (spec, mutations, src4, src6) => {
          const original = buildPacket(spec);
          const error = buildPacket(
            spec.ip.version === 4
              ? {
                  ip: { version: 4, src: src4, dst: spec.ip.src },
                  l4: { kind: "icmp", type: 3, code: 3, payload: original },
                }
              : {
                  ip: { version: 6, src: src6, dst: spec.ip.src },
                  l4: { kind: "icmpv6", type: 1, code: 4, payload: original },
                },
          );
          const outer = must(parseIpPacket(error, { verifyL4Checksum: true }));
          const inner = must(parseIcmpErrorInner(outer));
          expect(inner.l3Offset).toBe(outer.payloadOffset);
          for (const m of mutations) apply(inner, m);
          // The enclosing ICMP message is still valid, and equals a full recomputation.
          expect(outer.verifyChecksums()).toBe(true);
          const recomputed = error.slice();
          must(parseIpPacket(recomputed)).updateChecksums();
          expect(error).toEqual(recomputed);
          // The quote is the whole original, so its own checksums can be checked in full too.
          const quoted = must(parseIpPacket(outer.payload.slice()));
          expect(quoted.verifyChecksums()).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("updates the quoted UDP checksum even when only 8 bytes of it are quoted", () => {
    const original = buildPacket({
      ip: { version: 4, src: 0x0a000001, dst: 0x08080808 },
      l4: { kind: "udp", srcPort: 5000, dstPort: 53, payload: new Uint8Array(40).fill(7) },
    });
    const error = buildPacket({
      ip: { version: 4, src: 0x08080808, dst: 0x0a000001 },
      l4: { kind: "icmp", type: 3, code: 3, payload: original.subarray(0, 28) },
    });
    const outer = must(parseIpPacket(error));
    const inner = must(parseIcmpErrorInner(outer));
    expect(inner.udpLength).toBe(48); // of the whole original, not of the quote
    inner.setIpv4Src(0xc0000201);
    inner.setSrcPort(61000);
    expect(outer.verifyChecksums()).toBe(true);
    // The same rewrite on the full original gives the quoted checksum.
    const full = must(parseIpPacket(original.slice()));
    full.setIpv4Src(0xc0000201);
    full.setSrcPort(61000);
    expect(inner.l4Checksum).toBe(full.l4Checksum);
    expect(inner.ipv4Checksum).toBe(full.ipv4Checksum);
  });
});
