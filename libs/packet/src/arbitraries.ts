// fast-check generators shared by the property tests (test-only; not exported from index.ts).
import fc from "fast-check";
import type { L4Spec, PacketSpec } from "./buildPacket.js";
import type { EthernetSpec } from "./ethernet.js";
import type { Ipv4Spec } from "./ipv4.js";
import type { Ipv6ExtensionSpec, Ipv6Spec } from "./ipv6.js";

export const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 });
export const ipv4Arb = fc.integer({ min: 0, max: 0xffffffff });
export const ipv6Arb = fc.uint8Array({ minLength: 16, maxLength: 16 });
export const portArb = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const payloadArb = fc.uint8Array({ minLength: 0, maxLength: 300 });

export const ethernetArb: fc.Arbitrary<EthernetSpec> = fc.record(
  {
    src: macArb,
    dst: macArb,
    vlanId: fc.integer({ min: 0, max: 4095 }),
    vlanPriority: fc.integer({ min: 0, max: 7 }),
  },
  { requiredKeys: ["src", "dst"] },
);

export const ipv4SpecArb: fc.Arbitrary<Ipv4Spec> = fc.record({
  version: fc.constant(4 as const),
  src: ipv4Arb,
  dst: ipv4Arb,
  ttl: u8,
  tos: u8,
  identification: u16,
  dontFragment: fc.boolean(),
  options: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
});

const optionDataArb = fc.uint8Array({ minLength: 0, maxLength: 30 });

/** Hop-by-hop (first only), routing, destination options, and atomic fragment headers. */
const ipv6ExtensionsArb: fc.Arbitrary<Ipv6ExtensionSpec[]> = fc
  .tuple(
    fc.option(optionDataArb, { nil: undefined }),
    fc.array(
      fc.oneof(
        optionDataArb.map((data): Ipv6ExtensionSpec => ({ type: 43, data })),
        optionDataArb.map((data): Ipv6ExtensionSpec => ({ type: 60, data })),
        u32.map(
          (identification): Ipv6ExtensionSpec => ({
            type: 44,
            identification,
            fragmentOffset: 0,
            moreFragments: false,
          }),
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([hopByHop, rest]) => (hopByHop === undefined ? rest : [{ type: 0, data: hopByHop }, ...rest]));

export const ipv6SpecArb: fc.Arbitrary<Ipv6Spec> = fc.record({
  version: fc.constant(6 as const),
  src: ipv6Arb,
  dst: ipv6Arb,
  hopLimit: u8,
  trafficClass: u8,
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  extensions: ipv6ExtensionsArb,
});

export const tcpArb: fc.Arbitrary<L4Spec> = fc.record({
  kind: fc.constant("tcp" as const),
  srcPort: portArb,
  dstPort: portArb,
  seq: u32,
  ack: u32,
  flags: u8,
  window: u16,
  urgentPointer: u16,
  options: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  payload: payloadArb,
});

export const udpArb: fc.Arbitrary<L4Spec> = fc.record({
  kind: fc.constant("udp" as const),
  srcPort: portArb,
  dstPort: portArb,
  payload: payloadArb,
});

/** ICMP types with an 8-byte header: echo, errors, and an unassigned one. */
export const icmpArb: fc.Arbitrary<L4Spec> = fc.record({
  kind: fc.constant("icmp" as const),
  type: fc.constantFrom(0, 3, 8, 11, 12, 42),
  code: u8,
  rest: u32,
  payload: payloadArb,
});

/** ICMPv6 types that are not NDP (NDP has its own builders and tests). */
export const icmpv6Arb: fc.Arbitrary<L4Spec> = fc.record({
  kind: fc.constant("icmpv6" as const),
  type: fc.constantFrom(1, 2, 3, 4, 128, 129, 200),
  code: u8,
  rest: u32,
  payload: payloadArb,
});

/** A valid packet with Ethernet or without, any supported upper layer. */
export const packetSpecArb: fc.Arbitrary<PacketSpec> = fc.oneof(
  fc.record(
    { ethernet: ethernetArb, ip: ipv4SpecArb, l4: fc.oneof(tcpArb, udpArb, icmpArb) },
    { requiredKeys: ["ip", "l4"] },
  ),
  fc.record(
    { ethernet: ethernetArb, ip: ipv6SpecArb, l4: fc.oneof(tcpArb, udpArb, icmpv6Arb) },
    { requiredKeys: ["ip", "l4"] },
  ),
);

/** Like packetSpecArb but always with an Ethernet header. */
export const framedPacketSpecArb: fc.Arbitrary<PacketSpec> = fc.oneof(
  fc.record({ ethernet: ethernetArb, ip: ipv4SpecArb, l4: fc.oneof(tcpArb, udpArb, icmpArb) }),
  fc.record({ ethernet: ethernetArb, ip: ipv6SpecArb, l4: fc.oneof(tcpArb, udpArb, icmpv6Arb) }),
);
