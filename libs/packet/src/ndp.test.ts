import { describe, expect, it } from "vitest";
import { type Drop, isDrop } from "./dropReason.js";
import type { Frame } from "./frame.js";
import { Icmpv6Type } from "./icmpv6.js";
import { formatIpv6, parseIpv6 } from "./ipAddress.js";
import { parseMac } from "./mac.js";
import {
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  buildRouterAdvertisement,
  buildRouterSolicitation,
  ipv6MulticastMac,
  NDP_HOP_LIMIT,
  NdpOptionType,
  ndpOptions,
  readNdp,
  solicitedNodeMulticast,
} from "./ndp.js";
import { parseFrame } from "./parse.js";

function must(result: Frame | Drop): Frame {
  if (isDrop(result)) throw new Error(`dropped: ${result.drop}`);
  return result;
}

const vmMac = parseMac("52:54:00:12:34:56")!;
const portMac = parseMac("02:00:00:00:00:aa")!;
const vmLinkLocal = parseIpv6("fe80::5054:ff:fe12:3456")!;
const gateway = parseIpv6("fe80::1")!;

describe("neighbor discovery", () => {
  it("round-trips NS -> NA as dpservice answers for fe80::1", () => {
    const groupMac = ipv6MulticastMac(solicitedNodeMulticast(gateway));
    const ns = must(
      parseFrame(
        buildNeighborSolicitation({
          ethernet: { src: vmMac, dst: groupMac },
          src: vmLinkLocal,
          target: gateway,
          sourceLinkLayerAddress: vmMac,
        }),
        { verifyL4Checksum: true },
      ),
    );
    expect(formatIpv6(ns.ipv6Dst)).toBe("ff02::1:ff00:1");
    expect(Array.from(ns.dstMac)).toEqual([0x33, 0x33, 0xff, 0, 0, 1]);
    expect(ns.ttl).toBe(NDP_HOP_LIMIT);
    const msg = readNdp(ns);
    expect(msg?.type).toBe(Icmpv6Type.NeighborSolicitation);
    if (msg?.type !== Icmpv6Type.NeighborSolicitation) return;
    expect(msg.target).toEqual(gateway);
    expect(msg.sourceLinkLayerAddress).toEqual(vmMac);

    const na = must(
      parseFrame(
        buildNeighborAdvertisement({
          ethernet: { src: portMac, dst: vmMac },
          src: gateway,
          dst: ns.ipv6Src,
          target: msg.target,
          router: true,
          solicited: true,
          override: true,
          targetLinkLayerAddress: portMac,
        }),
        { verifyL4Checksum: true },
      ),
    );
    expect(readNdp(na)).toEqual({
      type: Icmpv6Type.NeighborAdvertisement,
      target: gateway,
      router: true,
      solicited: true,
      override: true,
      targetLinkLayerAddress: portMac,
    });
    expect(na.view.getUint8(na.l4Offset + 4)).toBe(0xe0);
  });

  it("round-trips RS -> RA with dpservice's parameters", () => {
    const rs = must(
      parseFrame(
        buildRouterSolicitation({
          ethernet: { src: vmMac, dst: ipv6MulticastMac(parseIpv6("ff02::2")!) },
          src: vmLinkLocal,
          sourceLinkLayerAddress: vmMac,
        }),
        { verifyL4Checksum: true },
      ),
    );
    expect(readNdp(rs)).toEqual({ type: Icmpv6Type.RouterSolicitation, sourceLinkLayerAddress: vmMac });
    const ra = must(
      parseFrame(
        buildRouterAdvertisement({
          ethernet: { src: portMac, dst: vmMac },
          src: gateway,
          dst: rs.ipv6Src,
          curHopLimit: 255,
          managed: true,
          other: true,
          routerLifetime: 0xffff,
          sourceLinkLayerAddress: portMac,
          mtu: 1500,
          prefixes: [{ prefix: parseIpv6("2001:db8::")!, length: 64, onLink: true }],
        }),
        { verifyL4Checksum: true },
      ),
    );
    expect(readNdp(ra)).toEqual({
      type: Icmpv6Type.RouterAdvertisement,
      curHopLimit: 255,
      managed: true,
      other: true,
      routerLifetime: 0xffff,
      reachableTime: 0,
      retransTimer: 0,
      sourceLinkLayerAddress: portMac,
    });
    expect(ndpOptions(ra).map((o) => o.type)).toEqual([
      NdpOptionType.SourceLinkLayerAddress,
      NdpOptionType.Mtu,
      NdpOptionType.PrefixInformation,
    ]);
  });

  it("reads nothing from a non-NDP frame", () => {
    const na = must(
      parseFrame(
        buildNeighborAdvertisement({ ethernet: { src: portMac, dst: vmMac }, src: gateway, target: gateway }),
      ),
    );
    expect(readNdp(na)?.type).toBe(Icmpv6Type.NeighborAdvertisement);
    expect(formatIpv6(na.ipv6Dst)).toBe("ff02::1");
  });
});
