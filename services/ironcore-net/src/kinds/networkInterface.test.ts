import { describe, expect, it } from "vitest";
import { type NetworkInterfaceObject, networkInterfaceRules } from "./networkInterface.js";
import { admit, admitUpdate, object, problems } from "./testdata.js";

const nic = (spec: NetworkInterfaceObject["spec"]) =>
  object<NetworkInterfaceObject>("NetworkInterface", "nic", {
    spec: { nodeRef: { name: "local.node1" }, networkRef: { name: "net" }, ...spec },
  });

describe("NetworkInterface", () => {
  it("accepts an interface and defaults public IP families from their addresses", () => {
    const obj = nic({
      ips: ["10.0.0.1", "FD00::1"],
      prefixes: ["10.1.0.0/24"],
      hostname: "vm1",
      publicIPs: [{ name: "a", ip: "203.0.113.1" }],
      natGateways: [{ ipFamily: "IPv6", claimRef: { name: "gw", uid: "u" } }],
    });
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
    expect(obj.spec?.ips).toEqual(["10.0.0.1", "fd00::1"]);
    expect(obj.spec?.publicIPs?.[0]?.ipFamily).toBe("IPv4");
  });

  it("needs node and network, one IP and one public IP per family, no NAT where a public IP is", () => {
    const obj = object<NetworkInterfaceObject>("NetworkInterface", "nic", {
      spec: {
        ips: ["10.0.0.1", "10.0.0.2"],
        publicIPs: [
          { name: "a", ipFamily: "IPv4" },
          { name: "a", ipFamily: "IPv4" },
        ],
        natGateways: [{ ipFamily: "IPv4", claimRef: { name: "gw" } }],
      },
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.nodeRef", "Required"],
      ["spec.networkRef", "Required"],
      ["spec.ips[1]", "Forbidden"],
      ["spec.publicIPs[1].name", "Duplicate"],
      ["spec.publicIPs[1].ipFamily", "Forbidden"],
      ["spec.natGateways[0].claimRef.uid", "Required"],
      ["spec.natGateways[0].ipFamily", "Forbidden"],
    ]);
  });

  it("keeps network, node, hostname and IPs; public IPs may change", () => {
    const old = nic({ ips: ["10.0.0.1"], hostname: "a" });
    const changed = nic({
      ips: ["10.0.0.2"],
      hostname: "b",
      networkRef: { name: "other" },
      nodeRef: { name: "n2" },
    });
    expect(problems(admitUpdate(networkInterfaceRules, changed, old))).toEqual([
      ["spec.networkRef", "Immutable"],
      ["spec.nodeRef", "Immutable"],
      ["spec.hostname", "Immutable"],
      ["spec.ips", "Immutable"],
    ]);
    const withPublic = nic({
      ips: ["10.0.0.1"],
      hostname: "a",
      publicIPs: [{ name: "x", ipFamily: "IPv4" }],
    });
    expect(admitUpdate(networkInterfaceRules, withPublic, old)).toEqual([]);
  });

  it("checks the status the metalnetlet reports", () => {
    const obj = nic({});
    obj.status = {
      state: "Ready",
      pciAddress: { domain: "0000", bus: "3b", slot: "00", function: "2" },
      natIPs: ["x"],
    };
    expect(problems(networkInterfaceRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.natIPs[0]", "Invalid"],
    ]);
  });
});
