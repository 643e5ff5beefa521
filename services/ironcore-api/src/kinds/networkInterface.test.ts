import { FieldPath } from "@ironcore-ts/apimachinery";
import type { IPSourceJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import { describe, expect, it } from "vitest";
import {
  type NetworkInterfaceObject,
  networkInterfaceRules,
  validateNetworkInterfaceSpec,
} from "./networkInterface.js";
import { admit, admitUpdate, paths, problems, seedNetworkInterface } from "./testdata.js";

function nic(spec: NetworkInterfaceObject["spec"], name = "nic-a"): NetworkInterfaceObject {
  return { metadata: { namespace: "default", name }, spec };
}

const ephemeralIP = (spec: object = {}): IPSourceJson => ({
  ephemeral: { prefixTemplate: { spec: { parentRef: { name: "pool" }, ...spec } } },
});

describe("NetworkInterface seed example and typical objects", () => {
  it("accepts the seed example and defaults status.state to Pending", () => {
    const obj = seedNetworkInterface();
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
    expect(obj.status).toEqual({ state: "Pending" });
    expect(obj.spec?.ipFamilies).toEqual(["IPv4"]);
  });

  it("accepts a dual-stack NIC with an ephemeral IP, routed prefixes and an ephemeral VIP", () => {
    const obj = nic({
      networkRef: { name: "net" },
      machineRef: { name: "machine-1", uid: "u-1" },
      ipFamilies: ["IPv4", "IPv6"],
      ips: [{ value: "10.0.0.1" }, ephemeralIP()],
      prefixes: [
        { value: "10.1.0.0/28" },
        {
          ephemeral: {
            prefixTemplate: { spec: { ipFamily: "IPv4", prefixLength: 28, parentRef: { name: "p" } } },
          },
        },
      ],
      virtualIP: {
        ephemeral: {
          virtualIPTemplate: {
            metadata: { labels: { app: "web" } },
            spec: { type: "Public", ipFamily: "IPv4", reclaimPolicy: "Retain" },
          },
        },
      },
      attributes: { "example.org/mtu": "1450" },
    });
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
  });

  it("keeps an existing status state", () => {
    const obj = seedNetworkInterface();
    obj.status = { state: "Available", ips: ["10.0.0.1"] };
    admit(networkInterfaceRules, obj);
    expect(obj.status.state).toBe("Available");
  });
});

describe("NetworkInterface defaulting", () => {
  it("derives ipFamilies from the ips, fills template families and single-IP lengths", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ips: [{ value: "10.0.0.1" }, ephemeralIP({ ipFamily: "IPv6" })],
    });
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
    expect(obj.spec?.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(obj.spec?.ips?.[1]?.ephemeral?.prefixTemplate?.spec).toEqual({
      parentRef: { name: "pool" },
      ipFamily: "IPv6",
      prefixLength: 128,
    });
  });

  it("sets a template's family from ipFamilies[i] and then its prefixLength", () => {
    const obj = nic({ networkRef: { name: "net" }, ipFamilies: ["IPv4"], ips: [ephemeralIP()] });
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
    expect(obj.spec?.ips?.[0]?.ephemeral?.prefixTemplate?.spec).toEqual({
      parentRef: { name: "pool" },
      ipFamily: "IPv4",
      prefixLength: 32,
    });
  });

  it("gives a template with a literal prefix that prefix's family and no prefixLength", () => {
    const obj = nic({ networkRef: { name: "net" }, ips: [ephemeralIP({ prefix: "2001:DB8::5/128" })] });
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
    expect(obj.spec?.ipFamilies).toEqual(["IPv6"]);
    expect(obj.spec?.ips?.[0]?.ephemeral?.prefixTemplate?.spec).toEqual({
      parentRef: { name: "pool" },
      prefix: "2001:db8::5/128",
      ipFamily: "IPv6",
    });
  });

  it("writes literal IPs canonically", () => {
    const obj = nic({ networkRef: { name: "net" }, ips: [{ value: "2001:DB8:0:0::1" }] });
    admit(networkInterfaceRules, obj);
    expect(obj.spec?.ips?.[0]?.value).toBe("2001:db8::1");
  });

  it("derives nothing when one entry's family is unknown (no shifted families)", () => {
    const obj = nic({ networkRef: { name: "net" }, ips: [{ value: "10.0.0.300" }, { value: "10.0.0.2" }] });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ipFamilies", "Required"],
      ["spec.ips[0].value", "Invalid"],
    ]);
    expect(obj.spec?.ipFamilies).toBeUndefined();
  });
});

describe("NetworkInterface name format (DNS subdomain)", () => {
  it("accepts dotted names", () => {
    const obj = seedNetworkInterface();
    obj.metadata.name = "nic.zone-a";
    expect(admit(networkInterfaceRules, obj)).toEqual([]);
  });

  it("refuses invalid names at metadata.name", () => {
    const obj = seedNetworkInterface();
    obj.metadata.name = "NIC_1";
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["metadata.name", "Invalid"]]);
  });
});

describe("NetworkInterface IP families", () => {
  it("refuses a literal IP of the wrong family", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4", "IPv6"],
      ips: [{ value: "10.0.0.1" }, { value: "10.0.0.2" }],
    });
    const errs = admit(networkInterfaceRules, obj);
    expect(problems(errs)).toEqual([["spec.ips[1].value", "Invalid"]]);
    expect(errs[0]?.detail).toBe("expected IP family IPv6 but got IPv4");
  });

  it("refuses duplicate families", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4", "IPv4"],
      ips: [{ value: "10.0.0.1" }, { value: "10.0.0.2" }],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.ipFamilies[1]", "Duplicate"]]);
  });

  it("refuses unknown families", () => {
    const obj = nic({ networkRef: { name: "net" }, ipFamilies: ["IPv5"], ips: [{ value: "10.0.0.1" }] });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.ipFamilies[0]", "NotSupported"]]);
  });

  it("needs one IP per family", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4", "IPv6"],
      ips: [{ value: "10.0.0.1" }],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.ips", "Invalid"]]);
  });

  it("needs at least one IP", () => {
    const obj = nic({ networkRef: { name: "net" } });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.ipFamilies", "Required"]]);
  });
});

describe("NetworkInterface IP sources", () => {
  it("needs exactly one source per IP", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4", "IPv6"],
      ips: [{ value: "10.0.0.1", ...ephemeralIP({ ipFamily: "IPv4" }) }, {}],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ips[0].ephemeral", "Forbidden"],
      ["spec.ips[1]", "Required"],
    ]);
  });

  it("validates ephemeral templates: family, single IP, metadata", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4", "IPv6"],
      ips: [
        ephemeralIP({ ipFamily: "IPv6", prefixLength: 128 }),
        {
          ephemeral: {
            prefixTemplate: {
              metadata: { name: "mine" },
              spec: { parentRef: { name: "p" }, prefixLength: 64 },
            },
          },
        },
      ],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ips[0].ephemeral.prefixTemplate.spec.ipFamily", "Forbidden"],
      ["spec.ips[1].ephemeral.prefixTemplate.metadata.name", "Forbidden"],
      ["spec.ips[1].ephemeral.prefixTemplate.spec.prefixLength", "Forbidden"],
    ]);
  });

  it("refuses a literal template prefix that is not a single IP", () => {
    const obj = nic({ networkRef: { name: "net" }, ips: [ephemeralIP({ prefix: "10.0.0.0/24" })] });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ips[0].ephemeral.prefixTemplate.spec.prefix", "Forbidden"],
    ]);
  });

  it("explains that a template without parent is a root prefix", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ipFamilies: ["IPv4"],
      ips: [{ ephemeral: { prefixTemplate: {} } }],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ips[0].ephemeral.prefixTemplate.spec.prefixLength", "Forbidden"],
      ["spec.ips[0].ephemeral.prefixTemplate.spec.prefix", "Required"],
    ]);
  });

  it("needs a template", () => {
    const obj = nic({ networkRef: { name: "net" }, ipFamilies: ["IPv4"], ips: [{ ephemeral: {} }] });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.ips[0].ephemeral.prefixTemplate", "Required"],
    ]);
  });

  it("refuses an ephemeral IP whose Prefix name `<nic>-<i>` would be too long", () => {
    const name = [60, 60, 60, 60].map((n) => "a".repeat(n)).join(".") + ".abcdefghi"; // 253 characters
    const obj = nic({ networkRef: { name: "net" }, ipFamilies: ["IPv4"], ips: [ephemeralIP()] }, name);
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.ips[0]", "Invalid"]]);
  });
});

describe("NetworkInterface routed prefixes", () => {
  it("needs one valid source per prefix", () => {
    const obj = nic({
      networkRef: { name: "net" },
      ips: [{ value: "10.0.0.1" }],
      prefixes: [{ value: "10.1.0.0/33" }, {}, { ephemeral: {} }, { value: "10.2.0.0/24", ephemeral: {} }],
    });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.prefixes[0].value", "Invalid"],
      ["spec.prefixes[1]", "Required"],
      ["spec.prefixes[2].ephemeral.prefixTemplate", "Required"],
      ["spec.prefixes[3].ephemeral", "Forbidden"],
    ]);
  });
});

describe("NetworkInterface virtual IP", () => {
  it("needs exactly one source", () => {
    const both = seedNetworkInterface();
    both.spec!.virtualIP = {
      virtualIPRef: { name: "vip" },
      ephemeral: { virtualIPTemplate: { spec: { type: "Public", ipFamily: "IPv4" } } },
    };
    expect(problems(admit(networkInterfaceRules, both))).toEqual([["spec.virtualIP.ephemeral", "Forbidden"]]);

    const none = seedNetworkInterface();
    none.spec!.virtualIP = {};
    expect(problems(admit(networkInterfaceRules, none))).toEqual([["spec.virtualIP", "Required"]]);
  });

  it("validates the reference name (DNS label) and the template spec as a VirtualIP spec", () => {
    const ref = seedNetworkInterface();
    ref.spec!.virtualIP = { virtualIPRef: { name: "vip.a" } };
    expect(problems(admit(networkInterfaceRules, ref))).toEqual([
      ["spec.virtualIP.virtualIPRef.name", "Invalid"],
    ]);

    const tmpl = seedNetworkInterface();
    tmpl.spec!.virtualIP = {
      ephemeral: { virtualIPTemplate: { spec: { type: "Private", reclaimPolicy: "Keep" } } },
    };
    expect(problems(admit(networkInterfaceRules, tmpl))).toEqual([
      ["spec.virtualIP.ephemeral.virtualIPTemplate.spec.type", "NotSupported"],
      ["spec.virtualIP.ephemeral.virtualIPTemplate.spec.ipFamily", "Required"],
      ["spec.virtualIP.ephemeral.virtualIPTemplate.spec.reclaimPolicy", "NotSupported"],
    ]);
  });

  it("refuses an ephemeral VIP when the NIC name can't be a VirtualIP name", () => {
    const obj = seedNetworkInterface();
    obj.metadata.name = "nic.zone-a";
    obj.spec!.virtualIP = {
      ephemeral: { virtualIPTemplate: { spec: { type: "Public", ipFamily: "IPv4" } } },
    };
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([["spec.virtualIP.ephemeral", "Invalid"]]);
  });
});

describe("NetworkInterface references", () => {
  it("needs a network and a complete machineRef", () => {
    const obj = nic({ ips: [{ value: "10.0.0.1" }], machineRef: { name: "Machine" } });
    expect(problems(admit(networkInterfaceRules, obj))).toEqual([
      ["spec.networkRef", "Required"],
      ["spec.machineRef.name", "Invalid"],
      ["spec.machineRef.uid", "Required"],
    ]);
  });
});

describe("NetworkInterface multiple errors", () => {
  it("reports every problem at once", () => {
    const obj = nic({ ipFamilies: ["IPv4"], ips: [{ value: "2001:db8::1" }] }, "Bad_Name");
    expect(paths(admit(networkInterfaceRules, obj))).toEqual([
      "metadata.name",
      "spec.networkRef",
      "spec.ips[0].value",
    ]);
  });
});

describe("NetworkInterface update", () => {
  it("refuses changing networkRef, ipFamilies or attributes", () => {
    const old = seedNetworkInterface();
    const obj = seedNetworkInterface();
    obj.spec!.networkRef = { name: "other-network" };
    obj.spec!.attributes = { a: "b" };
    expect(problems(admitUpdate(networkInterfaceRules, obj, old))).toEqual([
      ["spec.networkRef", "Immutable"],
      ["spec.attributes", "Immutable"],
    ]);

    const families = seedNetworkInterface();
    families.spec!.ipFamilies = ["IPv6"];
    families.spec!.ips = [{ value: "2001:db8::1" }];
    expect(problems(admitUpdate(networkInterfaceRules, families, seedNetworkInterface()))).toEqual([
      ["spec.ipFamilies", "Immutable"],
    ]);
  });

  it("allows the binding, provider ID, IPs, prefixes and virtual IP to change", () => {
    const obj = seedNetworkInterface();
    obj.spec!.machineRef = { name: "machine-1", uid: "u" };
    obj.spec!.providerID = "ironcore-net://default/nic/node-1/uid";
    obj.spec!.ips = [{ value: "10.0.0.2" }];
    obj.spec!.prefixes = [{ value: "10.9.0.0/24" }];
    delete obj.spec!.virtualIP;
    expect(admitUpdate(networkInterfaceRules, obj, seedNetworkInterface())).toEqual([]);
  });
});

describe("NetworkInterface status", () => {
  it("checks state and addresses", () => {
    const obj = seedNetworkInterface();
    obj.status = { state: "Available", ips: ["10.0.0.1"], prefixes: ["10.1.0.0/24"], virtualIP: "192.0.2.1" };
    expect(networkInterfaceRules.validateStatus?.(obj)).toEqual([]);
    obj.status = { state: "Ready", ips: ["x"], prefixes: ["10.1.0.0"], virtualIP: "192.0.2" };
    expect(paths(networkInterfaceRules.validateStatus?.(obj) ?? [])).toEqual([
      "status.state",
      "status.ips[0]",
      "status.prefixes[0]",
      "status.virtualIP",
    ]);
  });
});

describe("validateNetworkInterfaceSpec", () => {
  it("skips derived-name checks when the NIC name is not known yet", () => {
    const spec = {
      networkRef: { name: "net" },
      ipFamilies: ["IPv4"],
      ips: [ephemeralIP({ ipFamily: "IPv4", prefixLength: 32 })],
    };
    expect(validateNetworkInterfaceSpec(spec, undefined, FieldPath.root("spec"))).toEqual([]);
  });
});
