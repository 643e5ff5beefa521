import { describe, expect, it } from "vitest";
import { type IPObject, ipRules } from "./ip.js";
import { type IPAddressObject, ipAddressRules } from "./ipAddress.js";
import { type NetworkIPClaimObject, networkIPClaimName, networkIPClaimRules } from "./networkIPClaim.js";
import { admit, admitUpdate, object, problems } from "./testdata.js";

const ip = (spec: IPObject["spec"]) => object<IPObject>("IP", "ip1", { spec });

describe("IP", () => {
  it("defaults the family from the address, canonicalises it and labels it", () => {
    const obj = ip({ type: "Public", ip: "2001:DB8:0::1" });
    expect(admit(ipRules, obj)).toEqual([]);
    expect(obj.spec).toMatchObject({ ip: "2001:db8::1", ipFamily: "IPv6" });
    expect(obj.metadata.labels).toEqual({
      "apinet.ironcore.dev/ip-family": "IPv6",
      "apinet.ironcore.dev/ip": "2001-db8--1",
    });
  });

  it("needs type Public and a family matching the address", () => {
    expect(problems(admit(ipRules, ip({ type: "Private", ipFamily: "IPv4", ip: "2001:db8::1" })))).toEqual([
      ["spec.type", "NotSupported"],
      ["spec.ip", "Invalid"],
    ]);
    expect(problems(admit(ipRules, ip({})))).toEqual([
      ["spec.type", "Required"],
      ["spec.ipFamily", "Required"],
    ]);
  });

  it("keeps type, family and address; the claim may change", () => {
    const old = ip({ type: "Public", ipFamily: "IPv4", ip: "203.0.113.1" });
    const moved = ip({ type: "Public", ipFamily: "IPv4", ip: "203.0.113.2" });
    expect(problems(admitUpdate(ipRules, moved, old))).toEqual([["spec.ip", "Immutable"]]);
    const claimed = ip({
      type: "Public",
      ipFamily: "IPv4",
      ip: "203.0.113.1",
      claimRef: { group: "core.apinet.ironcore.dev", resource: "networkinterfaces", name: "nic", uid: "u" },
    });
    expect(admitUpdate(ipRules, claimed, old)).toEqual([]);
  });
});

describe("IPAddress", () => {
  const addr = (name: string, value: string): IPAddressObject => ({
    apiVersion: "core.apinet.ironcore.dev/v1alpha1",
    kind: "IPAddress",
    metadata: { name },
    spec: { ip: value, claimRef: { resource: "ips", namespace: "default", name: "ip1", uid: "u" } },
  });

  it("is named after its canonical address, which spec.ip repeats", () => {
    expect(admit(ipAddressRules, addr("203.0.113.1", "203.0.113.1"))).toEqual([]);
    expect(problems(admit(ipAddressRules, addr("2001:DB8::1", "2001:db8::2")))).toEqual([
      ["metadata.name", "Invalid"],
      ["spec.ip", "Invalid"],
    ]);
  });

  it("keeps ip and claimRef", () => {
    const changed = addr("203.0.113.1", "203.0.113.1");
    changed.spec!.claimRef!.uid = "v";
    expect(problems(admitUpdate(ipAddressRules, changed, addr("203.0.113.1", "203.0.113.1")))).toEqual([
      ["spec.claimRef", "Immutable"],
    ]);
  });
});

describe("NetworkIPClaim", () => {
  it("is named <network>.<ip> with IPv6 written out", () => {
    expect(networkIPClaimName("net", "10.0.0.1")).toBe("net.10.0.0.1");
    expect(networkIPClaimName("net", "fd00::1")).toBe("net.fd00-0000-0000-0000-0000-0000-0000-0001");
    const claim = object<NetworkIPClaimObject>("NetworkIPClaim", "net.10.0.0.2", {
      spec: { networkRef: { name: "net" }, ip: "10.0.0.1", claimRef: { name: "nic", uid: "u" } },
    });
    expect(problems(admit(networkIPClaimRules, claim))).toEqual([["metadata.name", "Invalid"]]);
  });
});
