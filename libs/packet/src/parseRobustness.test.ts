import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ethernetArb, framedPacketSpecArb, ipv4Arb, ipv6Arb, macArb, packetSpecArb } from "./arbitraries.js";
import { buildArp, readArp } from "./arp.js";
import { buildPacket } from "./buildPacket.js";
import { DROP_REASONS, type Drop, isDrop } from "./dropReason.js";
import { decapsulate, encapsulate } from "./encapsulation.js";
import type { Frame } from "./frame.js";
import { IpProtocol } from "./ipProtocol.js";
import { buildNeighborAdvertisement, buildRouterAdvertisement, ndpOptions, readNdp } from "./ndp.js";
import { parseFrame, parseIcmpErrorInner, parseIpPacket } from "./parse.js";

/** Valid frames of every kind the parser knows, to truncate and corrupt. */
const validFrameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  framedPacketSpecArb.map(buildPacket),
  // ICMP errors quoting a packet
  fc.tuple(ethernetArb, packetSpecArb, ipv4Arb, ipv6Arb).map(([ethernet, spec, s4, s6]) => {
    const quote = buildPacket({ ip: spec.ip, l4: spec.l4 });
    return buildPacket(
      spec.ip.version === 4
        ? { ethernet, ip: { version: 4, src: s4, dst: 1 }, l4: { kind: "icmp", type: 11, payload: quote } }
        : { ethernet, ip: { version: 6, src: s6, dst: s6 }, l4: { kind: "icmpv6", type: 3, payload: quote } },
    );
  }),
  // IP-in-IPv6
  fc
    .tuple(ethernetArb, packetSpecArb, ipv6Arb, ipv6Arb)
    .map(([ethernet, spec, src, dst]) =>
      encapsulate(buildPacket({ ip: spec.ip, l4: spec.l4 }), { src, dst }, ethernet),
    ),
  // NDP and ARP
  fc.tuple(ethernetArb, ipv6Arb, macArb).map(([ethernet, a, mac]) =>
    buildNeighborAdvertisement({
      ethernet,
      src: a,
      target: a,
      targetLinkLayerAddress: mac,
      solicited: true,
    }),
  ),
  fc.tuple(ethernetArb, ipv6Arb, macArb).map(([ethernet, a, mac]) =>
    buildRouterAdvertisement({
      ethernet,
      src: a,
      sourceLinkLayerAddress: mac,
      mtu: 1500,
      prefixes: [{ prefix: a, length: 64 }],
    }),
  ),
  fc
    .tuple(ethernetArb, macArb, ipv4Arb, ipv4Arb)
    .map(([ethernet, mac, a, b]) =>
      buildArp(ethernet, { operation: 1, senderMac: mac, senderIp: a, targetMac: mac, targetIp: b }),
    ),
);

/**
 * Random bytes behind a plausible Ethernet header, IP version/IHL, protocol and (usually) a length
 * field that matches, so the fuzzing gets past the first checks into the deeper layers.
 */
const plausibleArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(0x0800, 0x86dd, 0x0806),
    fc.constantFrom(0x45, 0x46, 0x4f, 0x40),
    fc.constantFrom(1, 4, 6, 17, 41, 58, 0, 43, 44, 60, 59),
    fc.boolean(),
    fc.boolean(),
    fc.uint8Array({ minLength: 0, maxLength: 160, size: "max" }),
  )
  .map(([etherType, ihl, protocol, fixLength, tagged, rest]) => {
    const l3 = tagged ? 18 : 14;
    const out = new Uint8Array(l3 + rest.length);
    const view = new DataView(out.buffer);
    out.set(rest, l3);
    if (tagged) view.setUint16(12, 0x8100);
    view.setUint16(l3 - 2, etherType);
    if (etherType === 0x0800 && rest.length >= 20) {
      out[l3] = ihl;
      out[l3 + 9] = protocol;
      if (fixLength) view.setUint16(l3 + 2, rest.length);
    } else if (etherType === 0x86dd && rest.length >= 40) {
      out[l3] = 0x60;
      out[l3 + 6] = protocol;
      if (fixLength) view.setUint16(l3 + 4, rest.length - 40);
    }
    return out;
  });

const reasons = new Set<string>(DROP_REASONS);

function checkDrop(d: Drop): void {
  if (!reasons.has(d.drop)) throw new Error(`unknown drop reason ${d.drop}`);
}

function checkResult(result: Frame | Drop): void {
  if (isDrop(result)) {
    checkDrop(result);
  } else {
    exercise(result);
  }
}

/** Reads everything that applies to the frame and runs the mutators; nothing may throw. */
function exercise(f: Frame): void {
  // Plain comparisons: expect() per field would dominate the run time of thousands of cases.
  const ordered = [f.l3Offset, f.l4Offset, f.payloadOffset, f.payloadEnd, f.ipEnd, f.end, f.buf.length];
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i - 1]! > ordered[i]!) throw new Error(`offsets out of order: ${ordered.join(",")}`);
  }
  void [
    f.hasEthernet,
    f.ipPacket,
    f.payload,
    f.isFragment,
    f.hasL4Header,
    f.hasPorts,
    f.isIcmpEcho,
    f.isIcmpError,
  ];
  if (f.hasEthernet) void [f.srcMac, f.dstMac, f.vlanId];
  if (f.ipVersion === 0) readArp(f);
  if (f.ipVersion === 4) {
    void [
      f.ipv4Src,
      f.ipv4Dst,
      f.ttl,
      f.trafficClass,
      f.ipv4HeaderLength,
      f.ipv4Identification,
      f.dontFragment,
    ];
    void [f.ipv4FragmentOffset, f.ipv4Checksum];
  }
  if (f.ipVersion === 6) void [f.ipv6Src, f.ipv6Dst, f.ttl, f.trafficClass, f.flowLabel];
  if (f.hasPorts) {
    void [f.srcPort, f.dstPort, f.l4Checksum];
    if (f.protocol === IpProtocol.TCP) void f.tcpSeq;
    if (f.protocol === IpProtocol.TCP && !f.embedded) {
      void [f.tcpAck, f.tcpFlags, f.tcpWindow, f.tcpUrgentPointer, f.tcpHeaderLength];
    }
    if (f.protocol === IpProtocol.UDP) void f.udpLength;
  }
  if (f.isIcmp) void [f.icmpType, f.icmpCode, f.l4Checksum];
  if (f.isIcmpEcho) void [f.icmpIdentifier, f.icmpSequence, f.icmpRest];
  f.verifyChecksums();
  readNdp(f);
  if (f.protocol === IpProtocol.ICMPv6) ndpOptions(f);
  const inner = parseIcmpErrorInner(f);
  checkResult(inner);
  const decapsulated = decapsulate(f);
  if (!isDrop(decapsulated)) checkResult(decapsulated.inner);
  else checkDrop(decapsulated);
  // Mutators last: they change the bytes.
  f.decrementTtl();
  f.setIpv4Src(0x01020304);
  f.setIpv6Dst(new Uint8Array(16).fill(9));
  f.setSrcPort(1);
  f.setDstPort(2);
  f.setIcmpIdentifier(3);
  f.setSrcMac(new Uint8Array(6));
  if (!isDrop(inner)) {
    inner.setIpv4Dst(5);
    inner.setSrcPort(7);
    inner.setIcmpIdentifier(8);
    inner.decrementTtl();
  }
}

const noIpv4Checksum = { verifyIpv4Checksum: false };

/** Every entry point, on copies (exercise() mutates), with checksum checks on and off. */
function parseBoth(bytes: Uint8Array): void {
  checkResult(parseFrame(bytes.slice()));
  checkResult(parseFrame(bytes.slice(), noIpv4Checksum));
  checkResult(parseFrame(bytes.slice(), { verifyL4Checksum: true, verifyIpv4Checksum: false }));
  checkResult(parseIpPacket(bytes.slice()));
  checkResult(parseIpPacket(bytes.slice(Math.min(14, bytes.length)), noIpv4Checksum));
  const d = decapsulate(bytes.slice());
  if (isDrop(d)) checkDrop(d);
}

describe("parser robustness", () => {
  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256, size: "max" }), (bytes) => parseBoth(bytes)),
      { numRuns: 3000 },
    );
  });

  it("never throws on random bytes behind a plausible header", () => {
    fc.assert(
      fc.property(plausibleArb, (bytes) => parseBoth(bytes)),
      { numRuns: 3000 },
    );
  });

  it("never throws on truncated valid frames, and a truncation is never mistaken for the whole", () => {
    fc.assert(
      fc.property(validFrameArb, fc.nat(), (bytes, cut) => {
        const whole = parseFrame(bytes);
        expect(isDrop(whole)).toBe(false);
        const length = cut % bytes.length;
        const truncated = bytes.slice(0, length);
        parseBoth(truncated);
        const r = parseFrame(truncated);
        // Cutting into the IP packet must be noticed (ARP has no length field to check).
        if (!isDrop(whole) && whole.ipVersion !== 0 && length < whole.ipEnd) expect(isDrop(r)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on corrupted valid frames", () => {
    fc.assert(
      fc.property(
        validFrameArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (bytes, edits) => {
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          parseBoth(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("allocates nothing for a drop: one shared object per reason", () => {
    expect(parseFrame(new Uint8Array(3))).toBe(parseFrame(new Uint8Array(5)));
  });
});
