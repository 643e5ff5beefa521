import { describe, expect, it } from "vitest";
import { type MachineClassObject, machineClassRules } from "./machineClass.js";
import { admit, admitUpdate, problems } from "./testdata.js";

function machineClass(
  capabilities: Record<string, string>,
  name = "machineclass-sample",
): MachineClassObject {
  return {
    apiVersion: "compute.ironcore.dev/v1alpha1",
    kind: "MachineClass",
    metadata: { name },
    capabilities,
  };
}

describe("MachineClass", () => {
  it("accepts a typical class", () => {
    expect(
      admit(machineClassRules, machineClass({ cpu: "4", memory: "16Gi", "example.org/gpu": "0" })),
    ).toEqual([]);
  });

  it("names are DNS labels", () => {
    expect(problems(admit(machineClassRules, machineClass({ cpu: "1" }, "x2.large")))).toEqual([
      ["metadata.name", "Invalid"],
    ]);
  });

  it("capabilities are quantities, cpu and memory positive", () => {
    const obj = machineClass({ cpu: "0", memory: "lots", disk: "-1Gi", "bad key!": "1" });
    expect(problems(admit(machineClassRules, obj))).toEqual([
      ["capabilities[cpu]", "Invalid"],
      ["capabilities[memory]", "Invalid"],
      ["capabilities[disk]", "Invalid"],
      ["capabilities[bad key!]", "Invalid"],
    ]);
  });

  it("capabilities are immutable", () => {
    const errs = admitUpdate(machineClassRules, machineClass({ cpu: "8" }), machineClass({ cpu: "4" }));
    expect(problems(errs)).toEqual([["capabilities", "Immutable"]]);
  });
});
