import { describe, expect, it } from "vitest";
import { buildPacket } from "./buildPacket.js";
import { type Drop, isDrop } from "./dropReason.js";
import { EtherType } from "./ethernet.js";
import type { Frame } from "./frame.js";
import { IcmpType } from "./icmp.js";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./ipAddress.js";
import { IpProtocol } from "./ipProtocol.js";
import { Fragment } from "./layout.js";
import { formatMac, parseMac } from "./mac.js";
import { parseFrame, parseIcmpErrorInner, parseIpPacket } from "./parse.js";
import { TcpFlag } from "./tcp.js";

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, "")
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );

function frameOf(result: Frame | Drop): Frame {
  if (isDrop(result)) throw new Error(`unexpected drop: ${result.drop}`);
  return result;
}

function reasonOf(result: Frame | Drop): string | undefined {
  return isDrop(result) ? result.drop : undefined;
}

// A Windows-style ping: 192.168.1.10 -> 8.8.8.8, id 1, seq 1, 32 bytes "abc...". IPv4 checksum 0x0cb9
// and ICMP checksum 0x4d5a computed independently (RFC 1071 by hand / a separate script).
const ICMP_ECHO_FRAME = hex(`
  020000000002 020000000001 0800
  4500 003c 1c46 4000 8001 0cb9 c0a8 010a 0808 0808
  0800 4d5a 0001 0001 6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869`);

describe("parseFrame: known-good bytes", () => {
  it("parses an ICMP echo request", () => {
    const f = frameOf(parseFrame(ICMP_ECHO_FRAME, { verifyL4Checksum: true }));
    expect(formatMac(f.dstMac)).toBe("02:00:00:00:00:02");
    expect(formatMac(f.srcMac)).toBe("02:00:00:00:00:01");
    expect(f.etherType).toBe(EtherType.IPv4);
    expect(f.vlanId).toBeUndefined();
    expect([f.l3Offset, f.l4Offset, f.payloadOffset, f.ipEnd]).toEqual([14, 34, 42, 74]);
    expect(f.ipVersion).toBe(4);
    expect(formatIpv4(f.ipv4Src)).toBe("192.168.1.10");
    expect(formatIpv4(f.ipv4Dst)).toBe("8.8.8.8");
    expect(f.ttl).toBe(128);
    expect(f.dontFragment).toBe(true);
    expect(f.isFragment).toBe(false);
    expect(f.ipv4Checksum).toBe(0x0cb9);
    expect(f.protocol).toBe(IpProtocol.ICMP);
    expect(f.icmpType).toBe(IcmpType.EchoRequest);
    expect(f.isIcmpEcho).toBe(true);
    expect(f.isIcmpError).toBe(false);
    expect(f.icmpIdentifier).toBe(1);
    expect(f.icmpSequence).toBe(1);
    expect(f.l4Checksum).toBe(0x4d5a);
    expect(new TextDecoder().decode(f.payload)).toBe("abcdefghijklmnopqrstuvwabcdefghi");
    expect(f.hasPorts).toBe(false);
    expect(f.srcPort).toBe(0);
    expect(f.verifyChecksums()).toBe(true);
  });

  it("builds the same ICMP echo bytes", () => {
    const built = buildPacket({
      ethernet: { src: parseMac("02:00:00:00:00:01")!, dst: parseMac("02:00:00:00:00:02")! },
      ip: {
        version: 4,
        src: parseIpv4("192.168.1.10")!,
        dst: parseIpv4("8.8.8.8")!,
        ttl: 128,
        identification: 0x1c46,
        dontFragment: true,
      },
      l4: {
        kind: "icmp",
        type: 8,
        rest: 0x00010001,
        payload: new TextEncoder().encode("abcdefghijklmnopqrstuvwabcdefghi"),
      },
    });
    expect(built).toEqual(ICMP_ECHO_FRAME);
  });

  it("rejects a corrupted IPv4 checksum (unless asked not to) and a corrupted ICMP checksum when verifying", () => {
    const badIp = ICMP_ECHO_FRAME.slice();
    badIp[25]! ^= 1;
    expect(reasonOf(parseFrame(badIp))).toBe("bad-ipv4-checksum");
    expect(reasonOf(parseFrame(badIp, { verifyIpv4Checksum: false }))).toBeUndefined();
    const badIcmp = ICMP_ECHO_FRAME.slice();
    badIcmp[50]! ^= 1;
    expect(reasonOf(parseFrame(badIcmp))).toBeUndefined();
    expect(reasonOf(parseFrame(badIcmp, { verifyL4Checksum: true }))).toBe("bad-l4-checksum");
  });

  it("parses UDP over IPv4 (checksum 0x7791 computed independently)", () => {
    const bytes = hex(`
      4500 0021 0000 0000 4011 0000 0a00 0001 0a00 0002
      3039 0035 000d 7791 68656c6c6f`);
    // fill in the header checksum so the packet is valid
    const f0 = frameOf(parseIpPacket(bytes, { verifyIpv4Checksum: false }));
    f0.updateChecksums();
    expect(f0.l4Checksum).toBe(0x7791);
    const f = frameOf(parseIpPacket(bytes, { verifyL4Checksum: true }));
    expect(f.hasEthernet).toBe(false);
    expect([f.srcPort, f.dstPort, f.udpLength]).toEqual([12345, 53, 13]);
    expect(new TextDecoder().decode(f.payload)).toBe("hello");
  });

  it("parses ICMPv6 echo (checksum 0x91a8) and TCP SYN over IPv6 (checksum 0xb26c)", () => {
    const echo = buildPacket({
      ip: { version: 6, src: parseIpv6("fe80::1")!, dst: parseIpv6("fe80::2")! },
      l4: { kind: "icmpv6", type: 128, rest: 0x12340007, payload: new TextEncoder().encode("ping") },
    });
    const e = frameOf(parseIpPacket(echo, { verifyL4Checksum: true }));
    expect(e.l4Checksum).toBe(0x91a8);
    expect([e.icmpIdentifier, e.icmpSequence, e.isIcmpEcho]).toEqual([0x1234, 7, true]);
    expect(formatIpv6(e.ipv6Src)).toBe("fe80::1");

    const syn = buildPacket({
      ip: { version: 6, src: parseIpv6("2001:db8::1")!, dst: parseIpv6("2001:db8::2")! },
      l4: { kind: "tcp", srcPort: 40000, dstPort: 443, seq: 0x01020304, flags: TcpFlag.SYN },
    });
    const s = frameOf(parseIpPacket(syn, { verifyL4Checksum: true }));
    expect(s.l4Checksum).toBe(0xb26c);
    expect([s.srcPort, s.dstPort, s.tcpSeq, s.tcpFlags, s.tcpHeaderLength]).toEqual([
      40000,
      443,
      0x01020304,
      TcpFlag.SYN,
      20,
    ]);
  });

  it("skips one 802.1Q tag", () => {
    const tagged = new Uint8Array(ICMP_ECHO_FRAME.length + 4);
    tagged.set(ICMP_ECHO_FRAME.subarray(0, 12));
    tagged.set([0x81, 0x00, 0xa0, 0x64], 12); // priority 5, VLAN 100
    tagged.set(ICMP_ECHO_FRAME.subarray(12), 16);
    const f = frameOf(parseFrame(tagged));
    expect(f.vlanId).toBe(100);
    expect(f.etherType).toBe(EtherType.IPv4);
    expect(f.l3Offset).toBe(18);
    expect(f.icmpIdentifier).toBe(1);
  });

  it("ignores Ethernet padding after a short IP packet", () => {
    const padded = new Uint8Array(ICMP_ECHO_FRAME.length + 10);
    padded.set(ICMP_ECHO_FRAME);
    const f = frameOf(parseFrame(padded, { verifyL4Checksum: true }));
    expect(f.ipEnd).toBe(ICMP_ECHO_FRAME.length);
    expect(f.payload.length).toBe(32);
  });

  it("skips IPv4 options via IHL", () => {
    const bytes = buildPacket({
      ip: { version: 4, src: 1, dst: 2, options: new Uint8Array([0x94, 0x04, 0, 0]) }, // router alert
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    const f = frameOf(parseIpPacket(bytes, { verifyL4Checksum: true }));
    expect(f.ipv4HeaderLength).toBe(24);
    expect(f.l4Offset).toBe(24);
    expect(f.dstPort).toBe(2);
  });
});

describe("fragments", () => {
  it("flags an IPv4 first fragment and parses its L4 header", () => {
    const bytes = buildPacket({
      ip: { version: 4, src: 1, dst: 2, moreFragments: true, identification: 7 },
      l4: { kind: "udp", srcPort: 5, dstPort: 6, payload: new Uint8Array(16) },
    });
    const f = frameOf(parseIpPacket(bytes, { verifyL4Checksum: true }));
    expect(f.fragment).toBe(Fragment.First);
    expect([f.isFragment, f.hasL4Header, f.srcPort]).toEqual([true, true, 5]);
  });

  it("flags an IPv4 later fragment and has no L4 header", () => {
    const bytes = buildPacket({
      ip: { version: 4, src: 1, dst: 2, fragmentOffset: 1480 },
      l4: { kind: "raw", protocol: IpProtocol.UDP, payload: new Uint8Array([1, 2, 3]) },
    });
    const f = frameOf(parseIpPacket(bytes));
    expect(f.fragment).toBe(Fragment.Later);
    expect(f.ipv4FragmentOffset).toBe(1480);
    expect([f.hasL4Header, f.hasPorts, f.srcPort]).toEqual([false, false, 0]);
    expect(f.protocol).toBe(IpProtocol.UDP);
    expect(f.payloadOffset).toBe(20);
    expect(f.setSrcPort(9)).toBe(false);
  });

  it("walks IPv6 extension headers to a later fragment", () => {
    const bytes = buildPacket({
      ip: {
        version: 6,
        src: new Uint8Array(16),
        dst: new Uint8Array(16),
        extensions: [
          { type: 0, data: new Uint8Array(4) },
          { type: 44, identification: 9, fragmentOffset: 1232, moreFragments: true },
        ],
      },
      l4: { kind: "raw", protocol: IpProtocol.TCP, payload: new Uint8Array(8) },
    });
    const f = frameOf(parseIpPacket(bytes));
    expect(f.fragment).toBe(Fragment.Later);
    expect(f.protocol).toBe(IpProtocol.TCP);
    expect(f.l4Offset).toBe(40 + 8 + 8);
  });
});

describe("drop reasons", () => {
  const cases: [string, Uint8Array, string][] = [
    ["empty", new Uint8Array(0), "truncated-ethernet"],
    ["13 bytes", new Uint8Array(13), "truncated-ethernet"],
    ["VLAN tag cut", hex("ffffffffffff 020000000001 8100 00"), "truncated-ethernet"],
    ["two VLAN tags", hex("ffffffffffff 020000000001 8100 0064 8100 0064 0800"), "unsupported-ethertype"],
    ["LLDP", hex("0180c200000e 020000000001 88cc 0000"), "unsupported-ethertype"],
    ["short ARP", hex("ffffffffffff 020000000001 0806 0001 0800 0604 0001"), "truncated-arp"],
    [
      "ARP for IPv6",
      hex("ffffffffffff 020000000001 0806 0001 86dd 0604 0001 020000000001 0a000001 000000000000 0a000002"),
      "unsupported-arp",
    ],
    ["short IPv4", hex("ffffffffffff 020000000001 0800 4500 0014"), "truncated-ipv4"],
    [
      "version 6 in 0x0800",
      hex(`ffffffffffff 020000000001 0800 6500 0014 0000 0000 4011 0000 0a000001 0a000002`),
      "bad-ip-version",
    ],
    [
      "IHL 4",
      hex(`ffffffffffff 020000000001 0800 4400 0014 0000 0000 4011 0000 0a000001 0a000002`),
      "bad-ipv4-header-length",
    ],
    [
      "IHL beyond frame",
      hex(`ffffffffffff 020000000001 0800 4f00 0014 0000 0000 4011 0000 0a000001 0a000002`),
      "truncated-ipv4",
    ],
    [
      "total < IHL",
      hex(`ffffffffffff 020000000001 0800 4500 0013 0000 0000 4011 0000 0a000001 0a000002`),
      "bad-ipv4-total-length",
    ],
    [
      "total > frame",
      hex(`ffffffffffff 020000000001 0800 4500 0064 0000 0000 4011 0000 0a000001 0a000002`),
      "truncated-ipv4",
    ],
    ["short IPv6", hex("ffffffffffff 020000000001 86dd 6000 0000 0000 3a40"), "truncated-ipv6"],
  ];
  it.each(cases)("%s -> %s", (_name, bytes, reason) => {
    expect(reasonOf(parseFrame(bytes))).toBe(reason);
  });

  function ipv4With(l4: Uint8Array, protocol: number): Uint8Array {
    return buildPacket({ ip: { version: 4, src: 1, dst: 2 }, l4: { kind: "raw", protocol, payload: l4 } });
  }

  it("reports upper-layer problems", () => {
    expect(reasonOf(parseIpPacket(ipv4With(new Uint8Array(19), IpProtocol.TCP)))).toBe("truncated-l4");
    const badOffset = new Uint8Array(20);
    badOffset[12] = 0x40;
    expect(reasonOf(parseIpPacket(ipv4With(badOffset, IpProtocol.TCP)))).toBe("bad-tcp-data-offset");
    const longOptions = new Uint8Array(20);
    longOptions[12] = 0x60;
    expect(reasonOf(parseIpPacket(ipv4With(longOptions, IpProtocol.TCP)))).toBe("truncated-l4");
    expect(reasonOf(parseIpPacket(ipv4With(new Uint8Array(7), IpProtocol.UDP)))).toBe("truncated-l4");
    expect(reasonOf(parseIpPacket(ipv4With(hex("0001000200070000"), IpProtocol.UDP)))).toBe("bad-udp-length");
    expect(reasonOf(parseIpPacket(ipv4With(hex("0001000200090000"), IpProtocol.UDP)))).toBe("bad-udp-length");
    expect(reasonOf(parseIpPacket(ipv4With(new Uint8Array(7), IpProtocol.ICMP)))).toBe("truncated-l4");
    // Unknown protocols pass: the data plane decides.
    expect(reasonOf(parseIpPacket(ipv4With(new Uint8Array(0), 132)))).toBeUndefined();
  });

  it("accepts a UDP length shorter than the IP payload and reads the payload by it", () => {
    const f = frameOf(parseIpPacket(ipv4With(hex("0001 0002 0009 0000 aa bb"), IpProtocol.UDP)));
    expect(Array.from(f.payload)).toEqual([0xaa]);
  });

  it("reports IPv6 extension header problems", () => {
    const v6 = (nextHeader: number, rest: Uint8Array) => {
      const bytes = new Uint8Array(40 + rest.length);
      bytes[0] = 0x60;
      new DataView(bytes.buffer).setUint16(4, rest.length);
      bytes[6] = nextHeader;
      bytes.set(rest, 40);
      return bytes;
    };
    expect(reasonOf(parseIpPacket(v6(0, new Uint8Array(4))))).toBe("truncated-ipv6-extension");
    expect(reasonOf(parseIpPacket(v6(60, hex("3b01000000000000"))))).toBe("truncated-ipv6-extension");
    expect(reasonOf(parseIpPacket(v6(60, hex("0000000000000000 3b00000000000000"))))).toBe(
      "bad-ipv6-extension",
    );
    expect(reasonOf(parseIpPacket(v6(44, new Uint8Array(7))))).toBe("truncated-ipv6-extension");
    expect(reasonOf(parseIpPacket(v6(59, new Uint8Array(0))))).toBeUndefined();
    expect(reasonOf(parseIpPacket(new Uint8Array([0x50])))).toBe("bad-ip-version");
  });

  it("validates NDP options", () => {
    const ns = (options: Uint8Array) =>
      buildPacket({
        ip: { version: 6, src: new Uint8Array(16), dst: new Uint8Array(16), hopLimit: 255 },
        l4: { kind: "icmpv6", type: 135, payload: new Uint8Array([...new Uint8Array(16), ...options]) },
      });
    expect(reasonOf(parseIpPacket(ns(hex("0101020000000001"))))).toBeUndefined();
    expect(reasonOf(parseIpPacket(ns(hex("0100020000000001"))))).toBe("bad-ndp-option");
    expect(reasonOf(parseIpPacket(ns(hex("0102020000000001"))))).toBe("bad-ndp-option");
    expect(reasonOf(parseIpPacket(ns(hex("01"))))).toBe("bad-ndp-option");
    const shortNs = buildPacket({
      ip: { version: 6, src: new Uint8Array(16), dst: new Uint8Array(16) },
      l4: { kind: "icmpv6", type: 135, payload: new Uint8Array(8) },
    });
    expect(reasonOf(parseIpPacket(shortNs))).toBe("truncated-l4");
  });

  it("rejects a zero UDP checksum over IPv6 when verifying, accepts it over IPv4", () => {
    const v4 = buildPacket({
      ip: { version: 4, src: 1, dst: 2 },
      l4: { kind: "udp", srcPort: 1, dstPort: 2, noChecksum: true },
    });
    expect(reasonOf(parseIpPacket(v4, { verifyL4Checksum: true }))).toBeUndefined();
    const v6 = buildPacket({
      ip: { version: 6, src: new Uint8Array(16), dst: new Uint8Array(16) },
      l4: { kind: "udp", srcPort: 1, dstPort: 2 },
    });
    v6[46] = 0;
    v6[47] = 0;
    expect(reasonOf(parseIpPacket(v6, { verifyL4Checksum: true }))).toBe("bad-l4-checksum");
  });
});

describe("ICMP error inner header", () => {
  it("parses the quoted header of a time exceeded", () => {
    const original = frameOf(parseFrame(ICMP_ECHO_FRAME));
    const error = buildPacket({
      ip: { version: 4, src: parseIpv4("10.0.0.254")!, dst: original.ipv4Src },
      l4: { kind: "icmp", type: IcmpType.TimeExceeded, code: 0, payload: original.ipPacket.subarray(0, 28) },
    });
    const outer = frameOf(parseIpPacket(error, { verifyL4Checksum: true }));
    expect(outer.isIcmpError).toBe(true);
    const inner = frameOf(parseIcmpErrorInner(outer));
    expect(inner.embedded).toBe(true);
    expect(formatIpv4(inner.ipv4Src)).toBe("192.168.1.10");
    expect(formatIpv4(inner.ipv4Dst)).toBe("8.8.8.8");
    expect(inner.protocol).toBe(IpProtocol.ICMP);
    expect([inner.icmpIdentifier, inner.icmpSequence]).toEqual([1, 1]);
    expect(reasonOf(parseIcmpErrorInner(original))).toBe("not-icmp-error");
    expect(reasonOf(parseIcmpErrorInner(inner))).toBe("not-icmp-error");
  });
});
