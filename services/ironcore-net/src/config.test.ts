import { EnvConfig } from "@ironcore-ts/runtime";
import { describe, expect, it } from "vitest";
import { configFromEnv, resolveConfig } from "./config.js";

describe("resolveConfig", () => {
  it("defaults to VNIs 200..2^24-1 and documentation prefixes", () => {
    const c = resolveConfig();
    expect([c.minVNI, c.maxVNI]).toEqual([200, 16777215]);
    expect(c.pools.all()).toEqual(["203.0.113.0/24", "2001:db8:ff::/56"]);
  });

  it("refuses ranges upstream refuses, and VNIs wider than 24 bits", () => {
    expect(() => resolveConfig({ minVNI: -1 })).toThrow(/min VNI must be >= 0/);
    expect(() => resolveConfig({ minVNI: 0, maxVNI: 0 })).toThrow(/max VNI must be > 0/);
    expect(() => resolveConfig({ minVNI: 10, maxVNI: 10 })).toThrow(/must be below/);
    expect(() => resolveConfig({ maxVNI: 2 ** 24 })).toThrow(/24 bits/);
    expect(() => resolveConfig({ publicPrefixes: ["nope"] })).toThrow(/not a valid CIDR/);
  });
});

describe("configFromEnv", () => {
  it("reads the IRONCORE_NET_* variables", () => {
    const env = new EnvConfig({
      IRONCORE_NET_MIN_VNI: "1000",
      IRONCORE_NET_MAX_VNI: "2000",
      IRONCORE_NET_PUBLIC_PREFIXES: "172.18.1.0/24, fd12:3456:789a::/56",
      IRONCORE_NET_CLAIM_GC_GRACE: "2s",
    });
    expect(configFromEnv(env)).toEqual({
      minVNI: 1000,
      maxVNI: 2000,
      publicPrefixes: ["172.18.1.0/24", "fd12:3456:789a::/56"],
      claimGracePeriodMs: 2000,
    });
  });
});
