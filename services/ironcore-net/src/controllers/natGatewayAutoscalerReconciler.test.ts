import { describe, expect, it } from "vitest";
import { desiredPublicIPs, scaledIPs } from "./natGatewayAutoscalerReconciler.js";
import { SlotPool } from "./natGatewayReconciler.js";

describe("desiredPublicIPs", () => {
  it("asks for enough IPs that every requesting NIC gets a slot, within [min, max]", () => {
    expect(desiredPublicIPs(100, 31, 1, 10)).toBe(4);
    expect(desiredPublicIPs(93, 31, 1, 10)).toBe(3);
    // Upstream truncation would keep 1 IP here (deficit 1 < 31); one NIC without NAT is enough to grow.
    expect(desiredPublicIPs(32, 31, 1, 10)).toBe(2);
    expect(desiredPublicIPs(0, 31, 1, 10)).toBe(1);
    expect(desiredPublicIPs(1000, 31, 1, 10)).toBe(10);
    expect(desiredPublicIPs(0, 31, undefined, undefined)).toBe(0);
    expect(desiredPublicIPs(1000, 31, undefined, undefined)).toBe(33);
    expect(desiredPublicIPs(10, 0, 1, 10)).toBe(1);
  });
});

describe("scaledIPs", () => {
  const ips = [
    { name: "a", ip: "203.0.113.1" },
    { name: "b", ip: "203.0.113.2" },
    { name: "c", ip: "203.0.113.3" },
  ];

  it("appends new uniquely named entries without addresses", () => {
    const grown = scaledIPs(ips, 5, new Set())!;
    expect(grown.slice(0, 3)).toEqual(ips);
    expect(grown).toHaveLength(5);
    for (const e of grown.slice(3)) {
      expect(e.ip).toBeUndefined();
      expect(e.name).toMatch(/^[a-z0-9]{10}$/);
    }
    expect(new Set(grown.map((e) => e.name)).size).toBe(5);
  });

  it("removes unused entries from the end only, stopping at the first one in use", () => {
    expect(scaledIPs(ips, 1, new Set(["203.0.113.1"]))).toEqual([ips[0]]);
    expect(scaledIPs(ips, 1, new Set(["203.0.113.2"]))).toEqual([ips[0], ips[1]]);
    expect(scaledIPs(ips, 1, new Set(["203.0.113.3"]))).toBeUndefined();
    expect(scaledIPs(ips, 3, new Set())).toBeUndefined();
    expect(scaledIPs([...ips, { name: "pending" }], 3, new Set(["203.0.113.3"]))).toEqual(ips);
  });
});

describe("SlotPool", () => {
  it("fills the first IP before the next and reuses freed slots lowest first", () => {
    const pool = new SlotPool(["203.0.113.1", "203.0.113.2"], 2048);
    expect(pool.slotsPerIP).toBe(31);
    const taken = Array.from({ length: 33 }, () => pool.next()!);
    expect(taken.slice(0, 31).every((t) => t.ip === "203.0.113.1")).toBe(true);
    expect(taken[31]).toEqual({ ip: "203.0.113.2", slot: 0 });
    pool.free({ ip: "203.0.113.1", slot: 7 });
    pool.free({ ip: "203.0.113.1", slot: 3 });
    expect(pool.next()).toEqual({ ip: "203.0.113.1", slot: 3 });
    expect(pool.take("203.0.113.1", 7)).toBe(true);
    expect(pool.take("203.0.113.1", 7)).toBe(false);
    expect(pool.take("198.51.100.1", 0)).toBe(false);
    expect(pool.usedSlots).toBe(33);
    expect(pool.range(30)).toEqual({ port: 1024 + 30 * 2048, endPort: 1024 + 31 * 2048 - 1 });
  });

  it("has 1008 slots per IP at 64 ports per NIC, the last ending at 65535", () => {
    const pool = new SlotPool(["203.0.113.1"], 64);
    expect(pool.slotsPerIP).toBe(1008);
    expect(pool.range(1007)).toEqual({ port: 65472, endPort: 65535 });
  });
});
