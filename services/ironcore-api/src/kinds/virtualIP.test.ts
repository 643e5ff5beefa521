import { describe, expect, it } from "vitest";
import { admit, admitUpdate, problems, seedVirtualIP } from "./testdata.js";
import { virtualIPRules } from "./virtualIP.js";

describe("VirtualIP seed example", () => {
  it("accepts the seed example unchanged", () => {
    const obj = seedVirtualIP();
    expect(admit(virtualIPRules, obj)).toEqual([]);
    expect(obj).toEqual(seedVirtualIP());
  });

  it("accepts a claimed IPv6 VIP", () => {
    const obj = seedVirtualIP();
    obj.spec = { type: "Public", ipFamily: "IPv6", targetRef: { name: "nic.zone-a", uid: "u-1" } };
    expect(admit(virtualIPRules, obj)).toEqual([]);
  });
});

describe("VirtualIP name format (DNS label)", () => {
  it("refuses dotted names", () => {
    const obj = seedVirtualIP();
    obj.metadata.name = "vip.a";
    expect(problems(admit(virtualIPRules, obj))).toEqual([["metadata.name", "Invalid"]]);
  });
});

describe("VirtualIP spec", () => {
  it("only knows Public VIPs", () => {
    const obj = seedVirtualIP();
    obj.spec!.type = "Private";
    expect(problems(admit(virtualIPRules, obj))).toEqual([["spec.type", "NotSupported"]]);
  });

  it("needs type and ipFamily, and a complete targetRef", () => {
    const obj = seedVirtualIP();
    obj.spec = { targetRef: { name: "" } };
    expect(problems(admit(virtualIPRules, obj))).toEqual([
      ["spec.type", "Required"],
      ["spec.ipFamily", "Required"],
      ["spec.targetRef.name", "Required"],
      ["spec.targetRef.uid", "Required"],
    ]);
  });

  it("refuses unknown families", () => {
    const obj = seedVirtualIP();
    obj.spec!.ipFamily = "ipv4";
    expect(problems(admit(virtualIPRules, obj))).toEqual([["spec.ipFamily", "NotSupported"]]);
  });
});

describe("VirtualIP update", () => {
  it("refuses changing type or ipFamily", () => {
    const obj = seedVirtualIP();
    obj.spec!.ipFamily = "IPv6";
    expect(problems(admitUpdate(virtualIPRules, obj, seedVirtualIP()))).toEqual([
      ["spec.ipFamily", "Immutable"],
    ]);

    const typed = seedVirtualIP();
    typed.spec!.type = "Private";
    expect(problems(admitUpdate(virtualIPRules, typed, seedVirtualIP()))).toEqual([
      ["spec.type", "NotSupported"],
      ["spec.type", "Immutable"],
    ]);
  });

  it("allows claiming and releasing (targetRef)", () => {
    const claimed = seedVirtualIP();
    claimed.spec!.targetRef = { name: "nic", uid: "u" };
    expect(admitUpdate(virtualIPRules, claimed, seedVirtualIP())).toEqual([]);
    expect(admitUpdate(virtualIPRules, seedVirtualIP(), structuredClone(claimed))).toEqual([]);
  });
});

describe("VirtualIP status", () => {
  it("checks the IP and its family against spec.ipFamily", () => {
    const obj = seedVirtualIP();
    obj.status = { ip: "192.0.2.10" };
    expect(virtualIPRules.validateStatus?.(obj)).toEqual([]);
    obj.status = { ip: "2001:db8::10" };
    expect(problems(virtualIPRules.validateStatus?.(obj) ?? [])).toEqual([["status.ip", "Invalid"]]);
  });
});
