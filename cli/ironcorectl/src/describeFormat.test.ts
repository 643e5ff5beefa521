import type { ApiObject } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { describeObject, headingOf } from "./describeFormat.js";
import { KindResolver } from "./kindResolver.js";
import { testKinds } from "./testSupport.js";

const kinds = new KindResolver(testKinds);

describe("describe", () => {
  it("prints metadata, who controls the object, then spec and status as YAML", () => {
    const nic: ApiObject = {
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "NetworkInterface",
      metadata: {
        name: "machine-sample-primary",
        namespace: "test",
        uid: "u-1",
        generation: 1,
        creationTimestamp: "2024-05-01T11:58:00Z",
        labels: { app: "web", tier: "front" },
        annotations: {
          "apply.ironcore.dev/last-applied-configuration": "{}",
          "common.ironcore.dev/ephemeral-managed-by": "ephemeral-manager",
        },
        ownerReferences: [
          {
            apiVersion: "compute.ironcore.dev/v1alpha1",
            kind: "Machine",
            name: "machine-sample",
            uid: "m",
            controller: true,
          },
        ],
        finalizers: ["apinet.ironcore.dev/networkinterface"],
      },
      spec: { networkRef: { name: "network-sample" }, ipFamilies: ["IPv4"] },
      status: { state: "Available" },
    };
    const text = describeObject(kinds.resolve("nic"), nic, Date.parse("2024-05-01T12:00:00Z"));
    expect(text).toBe(
      [
        "Name:           machine-sample-primary",
        "Namespace:      test",
        "Labels:         app=web",
        "                tier=front",
        "Annotations:    common.ironcore.dev/ephemeral-managed-by: ephemeral-manager",
        "API Version:    networking.ironcore.dev/v1alpha1",
        "Kind:           NetworkInterface",
        "UID:            u-1",
        "Generation:     1",
        "Created:        2024-05-01T11:58:00Z (2m ago)",
        "Controlled By:  Machine/machine-sample",
        "Finalizers:     apinet.ironcore.dev/networkinterface",
        "Spec:",
        "  ipFamilies:",
        "  - IPv4",
        "  networkRef:",
        "    name: network-sample",
        "Status:",
        "  state: Available",
        "",
      ].join("\n"),
    );
  });

  it("shows top-level fields of kinds without spec as their own sections", () => {
    const lbr: ApiObject = {
      metadata: { name: "lb" },
      networkRef: { name: "network-sample" },
      destinations: [],
    };
    const text = describeObject(kinds.resolve("lbr"), lbr);
    expect(text).toContain("Labels:       <none>");
    expect(text).toContain("Destinations:  <none>\nNetwork Ref:\n  name: network-sample\n");
  });

  it("turns field names into headings", () => {
    expect(headingOf("networkRef")).toBe("Network Ref");
    expect(headingOf("ipFamilies")).toBe("IP Families");
    expect(headingOf("providerID")).toBe("Provider ID");
  });
});
