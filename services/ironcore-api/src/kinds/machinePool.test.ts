import { describe, expect, it } from "vitest";
import { type MachinePoolObject, machinePoolRules } from "./machinePool.js";
import { admit, admitUpdate, problems } from "./testdata.js";

function pool(spec: MachinePoolObject["spec"] = {}, name = "node-1.zone-a"): MachinePoolObject {
  return { apiVersion: "compute.ironcore.dev/v1alpha1", kind: "MachinePool", metadata: { name }, spec };
}

describe("MachinePool", () => {
  it("accepts a pool with a NoSchedule taint; names are DNS subdomains", () => {
    const obj = pool({
      providerID: "node://node-1",
      taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }],
    });
    expect(admit(machinePoolRules, obj)).toEqual([]);
    expect(problems(admit(machinePoolRules, pool({}, "Node_1")))).toEqual([["metadata.name", "Invalid"]]);
  });

  it("taints need a key and the NoSchedule effect", () => {
    const obj = pool({ taints: [{ effect: "NoExecute" }, { key: "k", value: "bad value" }] });
    expect(problems(admit(machinePoolRules, obj))).toEqual([
      ["spec.taints[0].key", "Required"],
      ["spec.taints[0].effect", "NotSupported"],
      ["spec.taints[1].value", "Invalid"],
      ["spec.taints[1].effect", "Required"],
    ]);
  });

  it("providerID is set once", () => {
    expect(admitUpdate(machinePoolRules, pool({ providerID: "a" }), pool())).toEqual([]);
    expect(
      problems(admitUpdate(machinePoolRules, pool({ providerID: "b" }), pool({ providerID: "a" }))),
    ).toEqual([["spec.providerID", "Immutable"]]);
  });

  it("status quantities are checked", () => {
    const obj = pool();
    obj.status = { capacity: { "machineclass-sample": "4" }, allocatable: { "machineclass-sample": "four" } };
    expect(problems(machinePoolRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.allocatable[machineclass-sample]", "Invalid"],
    ]);
  });
});
