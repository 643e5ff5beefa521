import { describe, expect, it } from "vitest";
import {
  formatNetworkInterfaceProviderID,
  formatNetworkProviderID,
  parseNetworkInterfaceProviderID,
  parseNetworkProviderID,
  tryParseNetworkInterfaceProviderID,
} from "./providerId.js";

describe("network provider IDs", () => {
  it("round-trips the seed's example", () => {
    const text =
      "ironcore-net://ironcore-net-system/15e43205-3cfe-4b27-a29c-4ade42b94fca/11621310/292f19b4-2ff4-41e8-b324-075550340786";
    const parsed = parseNetworkProviderID(text);
    expect(parsed).toEqual({
      namespace: "ironcore-net-system",
      name: "15e43205-3cfe-4b27-a29c-4ade42b94fca",
      id: "11621310",
      uid: "292f19b4-2ff4-41e8-b324-075550340786",
    });
    expect(formatNetworkProviderID(parsed)).toBe(text);
  });

  it("tolerates a missing prefix and refuses a wrong number of parts", () => {
    expect(parseNetworkProviderID("ns/n/7/u")).toEqual({ namespace: "ns", name: "n", id: "7", uid: "u" });
    expect(() => parseNetworkProviderID("ironcore-net://ns/n/7")).toThrow(/invalid provider ID/);
    expect(() => parseNetworkProviderID("ironcore-net://ns/n/7/u/x")).toThrow(/invalid provider ID/);
  });
});

describe("network interface provider IDs", () => {
  it("round-trips and checks the node name", () => {
    const text = formatNetworkInterfaceProviderID({
      namespace: "ns",
      name: "nic",
      node: "local.node1",
      uid: "u",
    });
    expect(text).toBe("ironcore-net://ns/nic/local.node1/u");
    expect(parseNetworkInterfaceProviderID(text).node).toBe("local.node1");
    expect(() => parseNetworkInterfaceProviderID("ironcore-net://ns/nic/Node_1/u")).toThrow(/DNS subdomain/);
  });
});

describe("provider IDs with empty parts", () => {
  it("refuses them (an empty name or uid can never match an object)", () => {
    expect(() => parseNetworkProviderID("ironcore-net://ns//7/u")).toThrow(/invalid provider ID/);
    expect(() => parseNetworkInterfaceProviderID("ironcore-net://ns/nic/node1/")).toThrow(
      /invalid provider ID/,
    );
  });
});

describe("tryParseNetworkInterfaceProviderID", () => {
  it("parses what parseNetworkInterfaceProviderID parses", () => {
    expect(tryParseNetworkInterfaceProviderID("ironcore-net://ns/nic/local.node1/u")).toEqual({
      namespace: "ns",
      name: "nic",
      node: "local.node1",
      uid: "u",
    });
  });

  it("gives undefined for an absent, empty or malformed ID", () => {
    expect(tryParseNetworkInterfaceProviderID(undefined)).toBeUndefined();
    expect(tryParseNetworkInterfaceProviderID("")).toBeUndefined();
    expect(tryParseNetworkInterfaceProviderID("ironcore-net://ns/nic")).toBeUndefined();
    expect(tryParseNetworkInterfaceProviderID("ironcore-net://ns/nic/Node_1/u")).toBeUndefined();
  });
});
