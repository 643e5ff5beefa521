import { describe, expect, it } from "vitest";
import { buildPacket } from "./buildPacket.js";
import { type Drop, isDrop } from "./dropReason.js";
import type { Frame } from "./frame.js";
import { IcmpType, IcmpUnreachableCode } from "./icmp.js";
import { buildEchoReply, buildIcmpEcho } from "./icmpEcho.js";
import { buildIcmpError, buildIcmpv6Error } from "./icmpError.js";
import { Icmpv6Type } from "./icmpv6.js";
import { parseIpv4, parseIpv6 } from "./ipAddress.js";
import { parseFrame, parseIcmpErrorInner, parseIpPacket } from "./parse.js";

function must(result: Frame | Drop): Frame {
  if (isDrop(result)) throw new Error(`dropped: ${result.drop}`);
  return result;
}

const vm = parseIpv4("10.0.0.5")!;
const remote = parseIpv4("203.0.113.9")!;
const router = parseIpv4("10.0.0.1")!;

describe("echo", () => {
  it("replies to an IPv4 echo request", () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const request = must(
      parseIpPacket(
        buildIcmpEcho({ ip: { version: 4, src: remote, dst: vm }, identifier: 77, sequence: 3, data }),
      ),
    );
    const reply = must(parseIpPacket(buildEchoReply(request)!, { verifyL4Checksum: true }));
    expect([reply.ipv4Src, reply.ipv4Dst]).toEqual([vm, remote]);
    expect([reply.icmpType, reply.icmpIdentifier, reply.icmpSequence]).toEqual([IcmpType.EchoReply, 77, 3]);
    expect(reply.payload).toEqual(data);
    expect(buildEchoReply(reply)).toBeUndefined();
  });

  it("replies to an ICMPv6 echo request, with Ethernet", () => {
    const a = parseIpv6("2001:db8::1")!;
    const b = parseIpv6("2001:db8::2")!;
    const request = must(
      parseIpPacket(buildIcmpEcho({ ip: { version: 6, src: a, dst: b }, identifier: 1, sequence: 2 })),
    );
    const mac = new Uint8Array([2, 0, 0, 0, 0, 1]);
    const reply = must(
      parseFrame(buildEchoReply(request, { ethernet: { src: mac, dst: mac }, ttl: 200 })!, {
        verifyL4Checksum: true,
      }),
    );
    expect(reply.ipv6Src).toEqual(b);
    expect(reply.ipv6Dst).toEqual(a);
    expect([reply.icmpType, reply.ttl]).toEqual([Icmpv6Type.EchoReply, 200]);
  });
});

describe("ICMP errors", () => {
  const original = buildPacket({
    ip: { version: 4, src: vm, dst: remote, ttl: 1 },
    l4: { kind: "udp", srcPort: 5353, dstPort: 33434, payload: new Uint8Array(1000).fill(0xab) },
  });

  it("builds time exceeded quoting at most 576 bytes, which conntrack can match", () => {
    const bytes = buildIcmpError(must(parseIpPacket(original)), {
      src: router,
      type: IcmpType.TimeExceeded,
      code: 0,
    })!;
    expect(bytes.length).toBe(576);
    const error = must(parseIpPacket(bytes, { verifyL4Checksum: true }));
    expect([error.ipv4Src, error.ipv4Dst, error.icmpType]).toEqual([router, vm, IcmpType.TimeExceeded]);
    const inner = must(parseIcmpErrorInner(error));
    expect([inner.ipv4Src, inner.ipv4Dst, inner.srcPort, inner.dstPort]).toEqual([vm, remote, 5353, 33434]);
  });

  it("carries the next-hop MTU for fragmentation needed", () => {
    const bytes = buildIcmpError(must(parseIpPacket(original)), {
      src: router,
      type: IcmpType.DestinationUnreachable,
      code: IcmpUnreachableCode.FragmentationNeeded,
      rest: 1400,
    })!;
    const error = must(parseIpPacket(bytes));
    expect(error.view.getUint16(error.l4Offset + 6)).toBe(1400);
  });

  it("is not sent about errors, later fragments or non-unicast sources", () => {
    const spec = { src: router, type: IcmpType.DestinationUnreachable, code: 1 };
    const error = must(parseIpPacket(buildIcmpError(must(parseIpPacket(original)), spec)!));
    expect(buildIcmpError(error, spec)).toBeUndefined();
    const later = buildPacket({
      ip: { version: 4, src: vm, dst: remote, fragmentOffset: 8 },
      l4: { kind: "raw", protocol: 17, payload: new Uint8Array(8) },
    });
    expect(buildIcmpError(must(parseIpPacket(later)), spec)).toBeUndefined();
    const fromZero = buildPacket({
      ip: { version: 4, src: 0, dst: remote },
      l4: { kind: "udp", srcPort: 68, dstPort: 67 },
    });
    expect(buildIcmpError(must(parseIpPacket(fromZero)), spec)).toBeUndefined();
    const toMulticast = buildPacket({
      ip: { version: 4, src: vm, dst: parseIpv4("224.0.0.251")! },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    expect(buildIcmpError(must(parseIpPacket(toMulticast)), spec)).toBeUndefined();
  });

  it("builds ICMPv6 errors within 1280 bytes and follows RFC 4443 2.4(e)", () => {
    const a = parseIpv6("2001:db8::5")!;
    const b = parseIpv6("2001:db8:1::9")!;
    const big = must(
      parseIpPacket(
        buildPacket({
          ip: { version: 6, src: a, dst: b },
          l4: { kind: "tcp", srcPort: 1, dstPort: 2, payload: new Uint8Array(1400) },
        }),
      ),
    );
    const bytes = buildIcmpv6Error(big, {
      src: parseIpv6("fe80::1")!,
      type: Icmpv6Type.PacketTooBig,
      code: 0,
      rest: 1280,
    })!;
    expect(bytes.length).toBe(1280);
    const error = must(parseIpPacket(bytes, { verifyL4Checksum: true }));
    expect(error.ipv6Dst).toEqual(a);
    expect(error.icmpRest).toBe(1280);
    const inner = must(parseIcmpErrorInner(error));
    expect([inner.srcPort, inner.dstPort]).toEqual([1, 2]);

    const toMulticast = must(
      parseIpPacket(
        buildPacket({
          ip: { version: 6, src: a, dst: parseIpv6("ff02::1")! },
          l4: { kind: "udp", srcPort: 1, dstPort: 2 },
        }),
      ),
    );
    const unreachable = { src: a, type: Icmpv6Type.DestinationUnreachable, code: 4 };
    expect(buildIcmpv6Error(toMulticast, unreachable)).toBeUndefined();
    expect(buildIcmpv6Error(toMulticast, { src: a, type: Icmpv6Type.PacketTooBig, code: 0 })).toBeDefined();
    expect(buildIcmpv6Error(error, unreachable)).toBeUndefined();
  });
});
