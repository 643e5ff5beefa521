import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRoute, encodeRoute, RouteCodecError, routeFromToken, routeToken } from "./codec.js";
import { formatIp } from "./ipAddress.js";
import { normalizeRoute, type Route } from "./route.js";

const arbRoute: fc.Arbitrary<Route> = fc
  .record({
    vni: fc.integer({ min: 0, max: 0xffffff }),
    v6: fc.boolean(),
    dest: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    length: fc.integer({ min: 0, max: 128 }),
    target: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    targetVni: fc.integer({ min: 0, max: 0xffffff }),
    type: fc.constantFrom("STANDARD", "NAT", "LOADBALANCER_TARGET" as const),
    from: fc.integer({ min: 0, max: 0xffff }),
    span: fc.integer({ min: 0, max: 0xffff }),
  })
  .map(({ vni, v6, dest, length, target, targetVni, type, from, span }) => {
    const address = v6 ? dest : dest.subarray(0, 4);
    const route: Route = {
      vni,
      destination: {
        ipVersion: v6 ? 6 : 4,
        prefix: `${formatIp(address)}/${length % (address.length * 8 + 1)}`,
      },
      nextHop: { targetAddress: formatIp(target), targetVni, type },
    };
    if (type === "NAT") {
      route.nextHop.natPortRangeFrom = from;
      route.nextHop.natPortRangeTo = Math.min(0xffff, from + span);
    }
    return route;
  });

describe("route codec", () => {
  it("round-trips every valid route, in payload and in key token", () => {
    fc.assert(
      fc.property(arbRoute, (route) => {
        expect(decodeRoute(encodeRoute(route))).toEqual(normalizeRoute(route));
        expect(routeFromToken(routeToken(normalizeRoute(route)))).toEqual(normalizeRoute(route));
        expect(routeToken(normalizeRoute(route))).toMatch(/^[-_A-Za-z0-9]+$/);
      }),
    );
  });

  it("keeps messages small: 31 bytes for an IPv4 route via an IPv6 underlay, 35 with a NAT range", () => {
    const route: Route = {
      vni: 100,
      destination: { ipVersion: 4, prefix: "10.0.0.1/32" },
      nextHop: { targetAddress: "fd00:1::5", targetVni: 0, type: "STANDARD" },
    };
    expect(encodeRoute(route).length).toBe(31);
    const nat: Route = {
      ...route,
      nextHop: { ...route.nextHop, type: "NAT", natPortRangeFrom: 1, natPortRangeTo: 2 },
    };
    expect(encodeRoute(nat).length).toBe(35);
  });

  it("rejects any malformed payload with a RouteCodecError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeRoute(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(RouteCodecError);
        }
      }),
    );
  });
});
