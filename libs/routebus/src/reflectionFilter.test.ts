import { describe, expect, it } from "vitest";
import { hidesReceived } from "./reflectionFilter.js";
import type { NextHop, Route } from "./route.js";

const at = (nextHop: Partial<NextHop> & Pick<NextHop, "type">, targetAddress = "fd00::1"): Route => ({
  vni: 9,
  destination: { ipVersion: 4, prefix: "192.0.2.1/32" },
  nextHop: { targetAddress, targetVni: 0, ...nextHop },
});

describe("hiding received routes behind own announcements", () => {
  it("hides a remote STANDARD route for a destination this node announces as STANDARD", () => {
    expect(hidesReceived([at({ type: "STANDARD" })], at({ type: "STANDARD" }, "fd00::2"))).toBe(true);
  });

  it("keeps other hosts' NAT slices of the same NAT IP, hides overlapping (conflicting) ones", () => {
    const mine = at({ type: "NAT", natPortRangeFrom: 1024, natPortRangeTo: 2047 });
    expect(
      hidesReceived([mine], at({ type: "NAT", natPortRangeFrom: 2048, natPortRangeTo: 3071 }, "fd00::2")),
    ).toBe(false);
    expect(
      hidesReceived([mine], at({ type: "NAT", natPortRangeFrom: 2000, natPortRangeTo: 2100 }, "fd00::2")),
    ).toBe(true);
  });

  it("never hides load-balancer targets (the LB node announces the LB IP as STANDARD itself)", () => {
    const own = [at({ type: "STANDARD" }), at({ type: "LOADBALANCER_TARGET" })];
    expect(hidesReceived(own, at({ type: "LOADBALANCER_TARGET" }, "fd00::2"))).toBe(false);
  });

  it("does not hide a STANDARD route behind an own LB target (a backend host must reach its LB)", () => {
    expect(hidesReceived([at({ type: "LOADBALANCER_TARGET" })], at({ type: "STANDARD" }, "fd00::2"))).toBe(
      false,
    );
  });
});
