import { describe, expect, it } from "vitest";
import { type MachineObject, machineRules } from "./machine.js";
import { admit, admitUpdate, paths, problems } from "./testdata.js";

type Spec = NonNullable<MachineObject["spec"]>;

/** Like config/samples/e2e/machine-with-ephemeral-resources: ephemeral NIC with a VIP, a root disk. */
function machine(spec: Partial<Spec> = {}, name = "machine-sample"): MachineObject {
  return {
    apiVersion: "compute.ironcore.dev/v1alpha1",
    kind: "Machine",
    metadata: { namespace: "default", name },
    spec: {
      machineClassRef: { name: "machineclass-sample" },
      ignitionRef: { name: "ignition", key: "ignition.yaml" },
      networkInterfaces: [
        {
          name: "primary",
          ephemeral: {
            networkInterfaceTemplate: {
              metadata: { labels: { app: "web" } },
              spec: {
                networkRef: { name: "network-sample" },
                ipFamilies: ["IPv4"],
                ips: [{ value: "10.0.0.12" }],
                virtualIP: {
                  ephemeral: { virtualIPTemplate: { spec: { type: "Public", ipFamily: "IPv4" } } },
                },
              },
            },
          },
        },
      ],
      volumes: [
        { name: "root-disk", device: "oda", localDisk: { sizeLimit: "10Gi", image: "ghcr.io/os:1" } },
      ],
      ...spec,
    },
  };
}

function template(obj: MachineObject, i = 0) {
  return obj.spec?.networkInterfaces?.[i]?.ephemeral?.networkInterfaceTemplate?.spec;
}

describe("Machine typical objects and defaults", () => {
  it("accepts a machine with an ephemeral NIC and defaults power and states", () => {
    const obj = machine();
    obj.status = {
      networkInterfaces: [{ name: "primary" }],
      volumes: [{ name: "root-disk", state: "Attached" }],
    };
    expect(admit(machineRules, obj)).toEqual([]);
    expect(obj.spec?.power).toBe("On");
    expect(obj.status).toEqual({
      state: "Pending",
      networkInterfaces: [{ name: "primary", state: "Pending" }],
      volumes: [{ name: "root-disk", state: "Attached" }],
    });
  });

  it("accepts a machine with a referenced NIC and other volume sources", () => {
    const obj = machine({
      power: "Off",
      machinePoolRef: { name: "pool.zone-a" },
      machinePoolSelector: { zone: "a" },
      networkInterfaces: [{ name: "primary", networkInterfaceRef: { name: "networkinterface-sample" } }],
      volumes: [
        { name: "data", volumeRef: { name: "volume-sample" } },
        { name: "scratch", device: "odb", emptyDisk: { sizeLimit: "1Gi" } },
        { name: "eph", ephemeral: { volumeTemplate: { spec: { volumeClassRef: { name: "fast" } } } } },
      ],
      tolerations: [
        { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
        { operator: "Exists" },
      ],
      guestConfig: { hostname: "web-1" },
    });
    expect(admit(machineRules, obj)).toEqual([]);
    expect(obj.spec?.power).toBe("Off");
  });

  it("applies NIC defaulting inside ephemeral NIC templates", () => {
    const obj = machine();
    template(obj)!.ipFamilies = undefined;
    template(obj)!.ips = [
      { value: "10.0.0.12" },
      { ephemeral: { prefixTemplate: { spec: { parentRef: { name: "v6" }, ipFamily: "IPv6" } } } },
    ];
    expect(admit(machineRules, obj)).toEqual([]);
    expect(template(obj)?.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(template(obj)?.ips?.[1]?.ephemeral?.prefixTemplate?.spec?.prefixLength).toBe(128);
  });
});

describe("Machine name format (DNS label)", () => {
  it("refuses dotted names", () => {
    expect(problems(admit(machineRules, machine({}, "machine.a")))).toEqual([["metadata.name", "Invalid"]]);
  });
});

describe("Machine spec", () => {
  it("needs a machine class and a known power state", () => {
    const obj = machine({ power: "Standby" });
    delete obj.spec!.machineClassRef;
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.machineClassRef", "Required"],
      ["spec.power", "NotSupported"],
    ]);
  });

  it("checks reference names, pool selector labels, tolerations and hostname", () => {
    const obj = machine({
      machinePoolRef: { name: "Pool" },
      ignitionRef: { name: "Ignition" },
      machinePoolSelector: { "bad key!": "a" },
      tolerations: [{ key: "k", operator: "Exists", value: "v", effect: "NoExecute" }, { operator: "Equal" }],
      guestConfig: { hostname: "web.example" },
    });
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.machinePoolRef.name", "Invalid"],
      ["spec.ignitionRef.name", "Invalid"],
      ["spec.machinePoolSelector[bad key!]", "Invalid"],
      ["spec.tolerations[0].value", "Forbidden"],
      ["spec.tolerations[0].effect", "NotSupported"],
      ["spec.tolerations[1].operator", "Invalid"],
      ["spec.guestConfig.hostname", "Invalid"],
    ]);
  });
});

describe("Machine network interfaces", () => {
  it("need unique names and exactly one source", () => {
    const obj = machine({
      networkInterfaces: [
        { name: "a", networkInterfaceRef: { name: "nic-1" } },
        { name: "a", networkInterfaceRef: { name: "nic-2" } },
        { name: "b", networkInterfaceRef: { name: "nic-1" } },
        { name: "c" },
        { name: "d", networkInterfaceRef: { name: "nic-3" }, ephemeral: { networkInterfaceTemplate: {} } },
        { name: "e", ephemeral: {} },
      ],
    });
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.networkInterfaces[1].name", "Duplicate"],
      ["spec.networkInterfaces[2].networkInterfaceRef.name", "Duplicate"],
      ["spec.networkInterfaces[3]", "Required"],
      ["spec.networkInterfaces[4].ephemeral", "Forbidden"],
      ["spec.networkInterfaces[5].ephemeral.networkInterfaceTemplate", "Required"],
    ]);
  });

  it("validate the template spec with the NetworkInterface rules", () => {
    const obj = machine();
    template(obj)!.ipFamilies = ["IPv6"];
    delete template(obj)!.networkRef;
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.spec.networkRef", "Required"],
      ["spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.spec.ips[0].value", "Invalid"],
    ]);
  });

  it("only allow labels and annotations in template metadata", () => {
    const obj = machine();
    obj.spec!.networkInterfaces![0]!.ephemeral!.networkInterfaceTemplate!.metadata = {
      name: "x",
      labels: { "a/b/c": "v" },
    };
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.metadata.labels[a/b/c]", "Invalid"],
      ["spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.metadata.name", "Forbidden"],
    ]);
  });

  it("check the names derived from the ephemeral NIC name `<machine>-<entry>`", () => {
    // The NIC would be "machine-sample-nic.a", not a DNS label, so its ephemeral VIP can't exist.
    const obj = machine();
    obj.spec!.networkInterfaces![0]!.name = "nic.a";
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.networkInterfaces[0].ephemeral.networkInterfaceTemplate.spec.virtualIP.ephemeral", "Invalid"],
    ]);

    // 63 + 1 + 190 characters: each part valid, the NIC name too long.
    const long = machine({}, "m".repeat(63));
    long.spec!.networkInterfaces![0]!.name = `${"n".repeat(63)}.${"n".repeat(63)}.${"n".repeat(62)}`;
    delete template(long)!.virtualIP;
    expect(problems(admit(machineRules, long))).toEqual([["spec.networkInterfaces[0].name", "Invalid"]]);
  });
});

describe("Machine volumes", () => {
  it("need unique names and devices and exactly one source", () => {
    const obj = machine({
      volumes: [
        { name: "a", device: "oda", emptyDisk: {} },
        { name: "a", device: "oda", emptyDisk: {} },
        { name: "b", device: "sda1" },
        { name: "c", emptyDisk: { sizeLimit: "-1Gi" }, localDisk: {} },
        { name: "d", ephemeral: {} },
      ],
    });
    expect(problems(admit(machineRules, obj))).toEqual([
      ["spec.volumes[1].name", "Duplicate"],
      ["spec.volumes[1].device", "Duplicate"],
      ["spec.volumes[2].device", "Invalid"],
      ["spec.volumes[2]", "Required"],
      ["spec.volumes[3].localDisk", "Forbidden"],
      ["spec.volumes[3].emptyDisk.sizeLimit", "Invalid"],
      ["spec.volumes[4].ephemeral.volumeTemplate", "Required"],
    ]);
  });
});

describe("Machine update", () => {
  it("refuses changing machineClassRef", () => {
    const obj = machine({ machineClassRef: { name: "bigger" } });
    expect(problems(admitUpdate(machineRules, obj, machine()))).toEqual([
      ["spec.machineClassRef", "Immutable"],
    ]);
  });

  it("lets machinePoolRef be set once", () => {
    const scheduled = machine({ machinePoolRef: { name: "pool-1" } });
    expect(admitUpdate(machineRules, structuredClone(scheduled), machine())).toEqual([]);
    const moved = machine({ machinePoolRef: { name: "pool-2" } });
    expect(problems(admitUpdate(machineRules, moved, structuredClone(scheduled)))).toEqual([
      ["spec.machinePoolRef", "Immutable"],
    ]);
    expect(paths(admitUpdate(machineRules, machine(), structuredClone(scheduled)))).toEqual([
      "spec.machinePoolRef",
    ]);
  });

  it("keeps local disk images and the hostname", () => {
    const old = machine({ guestConfig: { hostname: "web-1" } });
    const obj = machine({
      guestConfig: { hostname: "web-2" },
      volumes: [{ name: "root-disk", device: "oda", localDisk: { image: "ghcr.io/os:2" } }],
    });
    expect(problems(admitUpdate(machineRules, obj, old))).toEqual([
      ["spec.volumes[root-disk].localDisk.image", "Immutable"],
      ["spec.guestConfig.hostname", "Immutable"],
    ]);

    const removed = machine({ volumes: [] });
    delete removed.spec!.guestConfig;
    expect(
      problems(admitUpdate(machineRules, removed, machine({ guestConfig: { hostname: "web-1" } }))),
    ).toEqual([
      ["spec.volumes[root-disk].localDisk.image", "Forbidden"],
      ["spec.guestConfig.hostname", "Forbidden"],
    ]);

    const added = machine({ guestConfig: { hostname: "web-1" } });
    expect(problems(admitUpdate(machineRules, added, machine()))).toEqual([
      ["spec.guestConfig.hostname", "Forbidden"],
    ]);
  });

  it("allows power changes and NIC changes", () => {
    const obj = machine({ power: "Off", networkInterfaces: [] });
    expect(admitUpdate(machineRules, obj, machine())).toEqual([]);
  });
});

describe("Machine status", () => {
  it("checks the machine and attachment states", () => {
    const obj = machine();
    obj.status = {
      state: "Running",
      networkInterfaces: [
        { name: "primary", state: "Attached", networkInterfaceRef: { name: "machine-sample-primary" } },
      ],
    };
    expect(machineRules.validateStatus?.(obj)).toEqual([]);
    obj.status = {
      state: "Booting",
      networkInterfaces: [{ state: "Up" }],
      volumes: [{ name: "v", state: "Gone" }],
    };
    expect(problems(machineRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.state", "NotSupported"],
      ["status.networkInterfaces[0].name", "Required"],
      ["status.networkInterfaces[0].state", "NotSupported"],
      ["status.volumes[0].state", "NotSupported"],
    ]);
  });
});
