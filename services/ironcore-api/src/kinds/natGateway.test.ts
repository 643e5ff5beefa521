import { describe, expect, it } from "vitest";
import { natGatewayRules } from "./natGateway.js";
import { admit, admitUpdate, paths, problems, seedNATGateway } from "./testdata.js";

describe("NATGateway seed example", () => {
  it("accepts the seed example (64 ports per NIC) unchanged", () => {
    const obj = seedNATGateway();
    expect(admit(natGatewayRules, obj)).toEqual([]);
    expect(obj).toEqual(seedNATGateway());
  });

  it("defaults portsPerNetworkInterface to 2048", () => {
    const obj = seedNATGateway();
    delete obj.spec!.portsPerNetworkInterface;
    expect(admit(natGatewayRules, obj)).toEqual([]);
    expect(obj.spec?.portsPerNetworkInterface).toBe(2048);
  });
});

describe("NATGateway ports per network interface (power of two)", () => {
  it.each([1, 64, 1024, 2048, 65536])("accepts %i", (n) => {
    const obj = seedNATGateway();
    obj.spec!.portsPerNetworkInterface = n;
    expect(admit(natGatewayRules, obj)).toEqual([]);
  });

  it.each([0, 100, -64, 3, 131072])("refuses %i at spec.portsPerNetworkInterface", (n) => {
    const obj = seedNATGateway();
    obj.spec!.portsPerNetworkInterface = n;
    expect(problems(admit(natGatewayRules, obj))).toEqual([["spec.portsPerNetworkInterface", "Invalid"]]);
  });
});

describe("NATGateway spec", () => {
  it("only knows Public gateways", () => {
    const obj = seedNATGateway();
    obj.spec!.type = "Internal";
    expect(problems(admit(natGatewayRules, obj))).toEqual([["spec.type", "NotSupported"]]);
  });

  it("needs type, ipFamily and networkRef", () => {
    const obj = seedNATGateway();
    obj.spec = {};
    expect(paths(admit(natGatewayRules, obj))).toEqual(["spec.type", "spec.ipFamily", "spec.networkRef"]);
  });

  it("names are DNS labels", () => {
    const obj = seedNATGateway();
    obj.metadata.name = "nat.gw";
    expect(problems(admit(natGatewayRules, obj))).toEqual([["metadata.name", "Invalid"]]);
  });
});

describe("NATGateway update", () => {
  it("refuses changing networkRef", () => {
    const obj = seedNATGateway();
    obj.spec!.networkRef = { name: "other" };
    expect(problems(admitUpdate(natGatewayRules, obj, seedNATGateway()))).toEqual([
      ["spec.networkRef", "Immutable"],
    ]);
  });

  it("allows changing the port block size", () => {
    const obj = seedNATGateway();
    obj.spec!.portsPerNetworkInterface = 128;
    expect(admitUpdate(natGatewayRules, obj, seedNATGateway())).toEqual([]);
  });
});

describe("NATGateway status", () => {
  it("checks the NAT IPs against the gateway family", () => {
    const obj = seedNATGateway();
    obj.status = { ips: ["192.0.2.1", "2001:db8::1", "x"] };
    expect(paths(natGatewayRules.validateStatus?.(obj) ?? [])).toEqual(["status.ips[1]", "status.ips[2]"]);
  });
});
