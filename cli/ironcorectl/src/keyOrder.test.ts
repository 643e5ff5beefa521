import { describe, expect, it } from "vitest";
import { orderForPrinting } from "./keyOrder.js";
import { printable, toYaml } from "./printers.js";

describe("YAML output order", () => {
  it("prints apiVersion, kind, metadata, spec, other fields, status; nested keys sorted", () => {
    const obj = {
      status: { state: "Available" },
      spec: { peerings: [{ networkRef: { name: "b" }, name: "p1" }], providerID: "x" },
      metadata: {
        uid: "u",
        name: "network-sample",
        namespace: "default",
        creationTimestamp: "2024-01-01T00:00:00Z",
      },
      kind: "Network",
      apiVersion: "networking.ironcore.dev/v1alpha1",
    };
    expect(toYaml(orderForPrinting(obj))).toBe(
      [
        "apiVersion: networking.ironcore.dev/v1alpha1",
        "kind: Network",
        "metadata:",
        "  creationTimestamp: 2024-01-01T00:00:00Z",
        "  name: network-sample",
        "  namespace: default",
        "  uid: u",
        "spec:",
        "  peerings:",
        "  - name: p1",
        "    networkRef:",
        "      name: b",
        "  providerID: x",
        "status:",
        "  state: Available",
        "",
      ].join("\n"),
    );
  });

  it("puts top-level fields of kinds without spec between metadata and status", () => {
    const lbr = {
      destinations: [],
      networkRef: { name: "n" },
      metadata: { name: "lb" },
      kind: "LoadBalancerRouting",
    };
    expect(Object.keys(orderForPrinting(lbr))).toEqual(["kind", "metadata", "destinations", "networkRef"]);
  });

  it("wraps several objects in a v1 List", () => {
    const a = { metadata: { name: "a" } };
    const b = { metadata: { name: "b" } };
    expect(printable([a], true)).toEqual({ metadata: { name: "a" } });
    expect(printable([a, b], false)).toEqual({ apiVersion: "v1", kind: "List", items: [a, b] });
    expect(printable([a], false)).toEqual({ apiVersion: "v1", kind: "List", items: [a] });
  });

  it("quotes strings YAML would read as something else", () => {
    expect(toYaml({ a: "true", b: "10", c: "On" })).toBe('a: "true"\nb: "10"\nc: On\n');
  });
});
