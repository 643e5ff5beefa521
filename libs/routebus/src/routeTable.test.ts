import { describe, expect, it } from "vitest";
import { keyOfNormalized, type Route } from "./route.js";
import { RouteTable } from "./routeTable.js";

const route: Route = {
  vni: 1,
  destination: { ipVersion: 4, prefix: "10.0.0.1/32" },
  nextHop: { targetAddress: "fd00::1", targetVni: 0, type: "STANDARD" },
};
const key = keyOfNormalized(route);

describe("RouteTable", () => {
  it("keeps a route while any provider announces it", () => {
    const table = new RouteTable();
    expect(table.add(key, route, "a")).toBe(true);
    expect(table.add(key, route, "b")).toBe(false);
    expect(table.add(key, route, "b")).toBe(false);
    expect(table.remove(key, "a")).toBeUndefined();
    expect(table.routes(1)).toEqual([route]);
    expect(table.remove(key, "nobody")).toBeUndefined();
    expect(table.remove(key, "b")).toEqual(route);
    expect(table.routes()).toEqual([]);
    expect(table.remove(key, "b")).toBeUndefined();
    expect(table.vnis()).toEqual([]);
  });
});
