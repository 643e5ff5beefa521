import type { ApiObject } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { KindResolver } from "./kindResolver.js";
import { tableHeader, tableRow } from "./resourceTable.js";
import { renderTable } from "./table.js";
import { testKinds } from "./testSupport.js";

const kinds = new KindResolver(testKinds);
const now = Date.parse("2024-05-01T12:00:00Z");
const nic: ApiObject = {
  metadata: {
    name: "machine-sample-primary",
    namespace: "test",
    creationTimestamp: "2024-05-01T11:58:00Z",
    labels: { app: "web" },
  },
  spec: { networkRef: { name: "network-sample" }, machineRef: { name: "machine-sample" }, providerID: "p" },
  status: { ips: ["10.0.0.12"], virtualIP: "45.86.1.2", state: "Available" },
};

describe("get tables", () => {
  it("shows NAME, the kind's default columns and AGE", () => {
    const k = kinds.resolve("nic");
    expect(renderTable([tableHeader(k), tableRow(k, nic, { now })])).toBe(
      [
        "NAME                     NETWORK          MACHINE          IPS         VIRTUALIP   STATE       AGE",
        "machine-sample-primary   network-sample   machine-sample   10.0.0.12   45.86.1.2   Available   2m",
        "",
      ].join("\n"),
    );
  });

  it("adds priority-1 columns with -o wide, NAMESPACE with -A, labels on request", () => {
    const k = kinds.resolve("nic");
    const options = { wide: true, withNamespace: true, showLabels: true, labelColumns: ["app"], now };
    expect(tableHeader(k, options)).toEqual([
      "NAMESPACE",
      "NAME",
      "NETWORK",
      "MACHINE",
      "IPS",
      "VIRTUALIP",
      "STATE",
      "PROVIDER-ID",
      "AGE",
      "APP",
      "LABELS",
    ]);
    expect(tableRow(k, nic, options)).toEqual([
      "test",
      "machine-sample-primary",
      "network-sample",
      "machine-sample",
      "10.0.0.12",
      "45.86.1.2",
      "Available",
      "p",
      "2m",
      "web",
      "app=web",
    ]);
  });

  it("shows <none> for values not set yet", () => {
    const k = kinds.resolve("nic");
    const fresh: ApiObject = { metadata: { name: "n", creationTimestamp: "2024-05-01T11:59:55Z" }, spec: {} };
    expect(tableRow(k, fresh, { now })).toEqual([
      "n",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
      "5s",
    ]);
  });

  it("qualifies names when several kinds are listed", () => {
    expect(tableRow(kinds.resolve("nic"), nic, { now, qualifiedNames: true })[0]).toBe(
      "networkinterface.networking.ironcore.dev/machine-sample-primary",
    );
  });
});
