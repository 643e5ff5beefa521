import { describe, expect, it } from "vitest";
import { evaluateJsonPath, formatCell, renderJsonPathTemplate } from "./jsonPath.js";

const nic = {
  metadata: { name: "nic-a", labels: { "app.kubernetes.io/name": "web" } },
  spec: {
    networkRef: { name: "network-sample" },
    ipFamilies: ["IPv4"],
    ips: [{ value: "10.0.0.1" }, { value: "10.0.0.2" }],
  },
  status: {
    state: "Available",
    ips: ["10.0.0.1", "10.0.0.2"],
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Scheduled", status: "False" },
    ],
  },
};

describe("evaluateJsonPath", () => {
  it("follows fields", () => {
    expect(evaluateJsonPath(nic, ".spec.networkRef.name")).toEqual(["network-sample"]);
    expect(evaluateJsonPath(nic, "{.status.state}")).toEqual(["Available"]);
    expect(evaluateJsonPath(nic, "$.status.state")).toEqual(["Available"]);
  });

  it("indexes, slices and fans out over lists", () => {
    expect(evaluateJsonPath(nic, ".spec.ips[0].value")).toEqual(["10.0.0.1"]);
    expect(evaluateJsonPath(nic, ".spec.ips[-1].value")).toEqual(["10.0.0.2"]);
    expect(evaluateJsonPath(nic, ".spec.ips[*].value")).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(evaluateJsonPath(nic, ".status.ips[0:1]")).toEqual(["10.0.0.1"]);
    expect(evaluateJsonPath(nic, ".spec.ips[5].value")).toEqual([]);
  });

  it("reads keys with dots in brackets or escaped", () => {
    expect(evaluateJsonPath(nic, ".metadata.labels['app.kubernetes.io/name']")).toEqual(["web"]);
    expect(evaluateJsonPath(nic, ".metadata.labels.app\\.kubernetes\\.io/name")).toEqual(["web"]);
  });

  it("filters list items", () => {
    expect(evaluateJsonPath(nic, '.status.conditions[?(@.type=="Ready")].status')).toEqual(["True"]);
    expect(evaluateJsonPath(nic, ".status.conditions[?(@.status!='True')].type")).toEqual(["Scheduled"]);
  });

  it("searches recursively with ..", () => {
    expect(evaluateJsonPath(nic, "..value")).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("yields nothing for a missing path", () => {
    expect(evaluateJsonPath(nic, ".spec.machineRef.name")).toEqual([]);
  });
});

describe("formatCell", () => {
  it("joins lists with commas and shows <none> for nothing", () => {
    expect(formatCell(evaluateJsonPath(nic, ".status.ips"))).toBe("10.0.0.1,10.0.0.2");
    expect(formatCell(evaluateJsonPath(nic, ".spec.ips[*].value"))).toBe("10.0.0.1,10.0.0.2");
    expect(formatCell(evaluateJsonPath(nic, ".spec.machineRef.name"))).toBe("<none>");
    expect(formatCell([[]])).toBe("<none>");
    expect(formatCell([""])).toBe("<none>");
    expect(formatCell([2048])).toBe("2048");
    expect(formatCell([{ name: "x" }])).toBe('{"name":"x"}');
  });
});

describe("renderJsonPathTemplate (-o jsonpath=)", () => {
  it("mixes text, values and literals", () => {
    expect(renderJsonPathTemplate(nic, '{.metadata.name}: {.status.ips[*]}{"\\n"}')).toBe(
      "nic-a: 10.0.0.1 10.0.0.2\n",
    );
    expect(renderJsonPathTemplate(nic, "{.spec.ipFamilies}")).toBe('["IPv4"]');
  });

  it("says that range is not supported", () => {
    expect(() => renderJsonPathTemplate(nic, "{range .items[*]}{end}")).toThrow("not supported");
  });
});
