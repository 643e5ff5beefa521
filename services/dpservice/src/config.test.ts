import { formatIpv6 } from "@ironcore-ts/packet";
import { EnvConfig } from "@ironcore-ts/runtime";
import { describe, expect, it } from "vitest";
import { loadConfig, parseNodeUnderlay } from "./config.js";

describe("loadConfig", () => {
  it("defaults to upstream's port 1337, HTTP 1380 and 126 VFs from 0000:3b:00.2", () => {
    const config = loadConfig(
      new EnvConfig({ DPSERVICE_UNDERLAY_PREFIX: "fc00:1::/64", DPSERVICE_NODE_NAME: "node-a" }),
    );
    expect(config.grpc).toEqual({ host: "0.0.0.0", port: 1337 });
    expect(config.http).toEqual({ host: "0.0.0.0", port: 1380 });
    expect(config.nodeName).toBe("node-a");
    expect(config.vfNames).toHaveLength(126);
    expect(config.vfNames.slice(0, 2)).toEqual(["0000:3b:00.2", "0000:3b:00.3"]);
    expect(formatIpv6(config.hostUnderlay)).toBe("fc00:1::1");
    expect(config.underlayAddressTypes).toBe(false);
  });

  it("takes a VF count, a first VF or an explicit list", () => {
    const base = { DPSERVICE_UNDERLAY_PREFIX: "fc00:1::/64" };
    expect(
      loadConfig(new EnvConfig({ ...base, DPSERVICE_VF_COUNT: "4", DPSERVICE_VF_FIRST: "0000:06:00.6" }))
        .vfNames,
    ).toEqual(["0000:06:00.6", "0000:06:00.7", "0000:06:01.0", "0000:06:01.1"]);
    expect(loadConfig(new EnvConfig({ ...base, DPSERVICE_VF_NAMES: "a, b" })).vfNames).toEqual(["a", "b"]);
  });

  it("requires the underlay prefix", () => {
    expect(() => loadConfig(new EnvConfig({}))).toThrow(/DPSERVICE_UNDERLAY_PREFIX is required/);
  });
});

describe("parseNodeUnderlay", () => {
  it("takes a /64 (host ::1), or a host address in it", () => {
    expect(formatIpv6(parseNodeUnderlay("X", "fc00:1::/64"))).toBe("fc00:1::1");
    expect(formatIpv6(parseNodeUnderlay("X", "fc00:1::5/64"))).toBe("fc00:1::5");
    expect(formatIpv6(parseNodeUnderlay("X", "fc00:2::7"))).toBe("fc00:2::7");
  });

  it("rejects other prefix lengths and non-IPv6 text", () => {
    expect(() => parseNodeUnderlay("X", "fc00:1::/48")).toThrow(/X must be an IPv6 \/64/);
    expect(() => parseNodeUnderlay("X", "10.0.0.0/8")).toThrow(/X must be an IPv6 \/64/);
  });
});
