import { isApiError } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { normalizeRoute, type Route, routeKey } from "./route.js";

const nat = (from: number, to: number): Route => ({
  vni: 7,
  destination: { ipVersion: 4, prefix: "192.0.2.10/32" },
  nextHop: {
    targetAddress: "fd00::a",
    targetVni: 0,
    type: "NAT",
    natPortRangeFrom: from,
    natPortRangeTo: to,
  },
});

describe("route identity", () => {
  it("is the same for two spellings of one route", () => {
    const a: Route = {
      vni: 5,
      destination: { ipVersion: 6, prefix: "FD00:0::1/128" },
      nextHop: { targetAddress: "FD00::00AA", targetVni: 0, type: "STANDARD" },
    };
    const b: Route = {
      vni: 5,
      destination: { ipVersion: 6, prefix: "fd00::1/128" },
      nextHop: { targetAddress: "fd00::aa", targetVni: 0, type: "STANDARD" },
    };
    expect(routeKey(a)).toBe(routeKey(b));
    expect(normalizeRoute(a)).toEqual(b);
  });

  it("includes every next-hop field, so two NAT slices of one NAT IP are two routes", () => {
    expect(routeKey(nat(1024, 2047))).not.toBe(routeKey(nat(2048, 3071)));
    const lb: Route = {
      ...nat(0, 0),
      nextHop: { targetAddress: "fd00::a", targetVni: 0, type: "LOADBALANCER_TARGET" },
    };
    const std: Route = {
      ...nat(0, 0),
      nextHop: { targetAddress: "fd00::a", targetVni: 0, type: "STANDARD" },
    };
    expect(routeKey(lb)).not.toBe(routeKey(std));
    expect(routeKey({ ...std, nextHop: { ...std.nextHop, targetVni: 9 } })).not.toBe(routeKey(std));
  });

  it("rejects invalid routes with every offending field", () => {
    const bad = {
      vni: 1 << 24,
      destination: { ipVersion: 6, prefix: "10.0.0.1/32" },
      nextHop: { targetAddress: "nope", targetVni: -1, type: "NAT", natPortRangeFrom: 5, natPortRangeTo: 4 },
    } as unknown as Route;
    try {
      normalizeRoute(bad);
      expect.unreachable();
    } catch (err) {
      expect(isApiError(err) && err.reason).toBe("Invalid");
      expect(isApiError(err) && err.causes.map((c) => c.path)).toEqual([
        "vni",
        "destination.ipVersion",
        "nextHop.targetAddress",
        "nextHop.targetVni",
        "nextHop.natPortRangeTo",
      ]);
    }
  });

  it("refuses port ranges on non-NAT next hops and drops zero ones", () => {
    const std: Route = {
      vni: 1,
      destination: { ipVersion: 4, prefix: "10.0.0.1/32" },
      nextHop: {
        targetAddress: "fd00::1",
        targetVni: 0,
        type: "STANDARD",
        natPortRangeFrom: 10,
        natPortRangeTo: 20,
      },
    };
    expect(() => normalizeRoute(std)).toThrow(/only for NAT/);
    const zero = { ...std, nextHop: { ...std.nextHop, natPortRangeFrom: 0, natPortRangeTo: 0 } };
    expect(normalizeRoute(zero).nextHop).toEqual({
      targetAddress: "fd00::1",
      targetVni: 0,
      type: "STANDARD",
    });
  });
});
