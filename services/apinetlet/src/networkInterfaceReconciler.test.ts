import { describe, expect, it } from "vitest";
import type { NetworkInterfaceObject, PrefixObject, VirtualIPObject } from "./kinds.js";
import { desiredPrefixes, desiredPublicIPs, networkInterfaceState } from "./networkInterfaceReconciler.js";

describe("network interface", () => {
  it("maps apinet states", () => {
    expect(networkInterfaceState("Ready")).toBe("Available");
    expect(networkInterfaceState("Error")).toBe("Error");
    expect(networkInterfaceState("Pending")).toBe("Pending");
    expect(networkInterfaceState(undefined)).toBe("Pending");
  });

  it("gives the apinet NIC one public IP per family from claimed VirtualIPs with an address", () => {
    const vip = (name: string, ipFamily: string, ip?: string): VirtualIPObject => ({
      metadata: { name },
      spec: { type: "Public", ipFamily },
      status: ip ? { ip } : {},
    });
    expect(
      desiredPublicIPs([
        vip("a", "IPv4", "198.51.100.1"),
        vip("b", "IPv4", "198.51.100.2"),
        vip("c", "IPv6"),
      ]),
    ).toEqual([{ name: "198.51.100.1", ipFamily: "IPv4", ip: "198.51.100.1" }]);
  });

  it("routes literal prefixes and Allocated ephemeral ones controlled by the NIC", () => {
    const nic: NetworkInterfaceObject = {
      metadata: { namespace: "default", name: "nic", uid: "nic-uid" },
      spec: {
        prefixes: [
          { value: "10.1.0.0/24" },
          { ephemeral: { prefixTemplate: {} } },
          { ephemeral: { prefixTemplate: {} } },
        ],
      },
    };
    const owned: PrefixObject = {
      metadata: {
        name: "nic-pf-1",
        ownerReferences: [
          {
            apiVersion: "networking.ironcore.dev/v1alpha1",
            kind: "NetworkInterface",
            name: "nic",
            uid: "nic-uid",
            controller: true,
          },
        ],
      },
      spec: { prefix: "10.2.0.0/24" },
      status: { phase: "Allocated" },
    };
    const foreign: PrefixObject = { ...owned, metadata: { name: "nic-pf-2" } };
    const prefixes = new Map([
      ["default/nic-pf-1", owned],
      ["default/nic-pf-2", foreign],
    ]);
    expect(desiredPrefixes(nic, (k) => prefixes.get(k))).toEqual(["10.1.0.0/24", "10.2.0.0/24"]);
  });
});
