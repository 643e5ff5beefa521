import { describe, expect, it } from "vitest";
import { type NATGatewayObject, natGatewayRules } from "./natGateway.js";
import { type NATGatewayAutoscalerObject, natGatewayAutoscalerRules } from "./natGatewayAutoscaler.js";
import { type NATTableObject, natTableRules } from "./natTable.js";
import { admit, admitUpdate, object, problems } from "./testdata.js";

const gw = (spec: NATGatewayObject["spec"]) =>
  object<NATGatewayObject>("NATGateway", "gw", {
    spec: { ipFamily: "IPv4", networkRef: { name: "net" }, portsPerNetworkInterface: 2048, ...spec },
  });

describe("NATGateway", () => {
  it("accepts a gateway; its IPs must be of its family", () => {
    expect(admit(natGatewayRules, gw({ ips: [{ name: "a" }, { name: "b", ip: "203.0.113.1" }] }))).toEqual(
      [],
    );
    expect(
      problems(
        admit(natGatewayRules, gw({ ips: [{ name: "a", ip: "fd00::1" }], portsPerNetworkInterface: 0 })),
      ),
    ).toEqual([
      ["spec.ips[0].ip", "Invalid"],
      ["spec.portsPerNetworkInterface", "Required"],
    ]);
    expect(problems(admit(natGatewayRules, gw({ portsPerNetworkInterface: 70000 })))).toEqual([
      ["spec.portsPerNetworkInterface", "Invalid"],
    ]);
  });

  it("keeps family and network", () => {
    expect(problems(admitUpdate(natGatewayRules, gw({ ipFamily: "IPv6" }), gw({})))).toEqual([
      ["spec.ipFamily", "Immutable"],
    ]);
  });
});

describe("NATGatewayAutoscaler", () => {
  const as = (spec: NATGatewayAutoscalerObject["spec"]) =>
    object<NATGatewayAutoscalerObject>("NATGatewayAutoscaler", "gw", {
      spec: { natGatewayRef: { name: "gw" }, ...spec },
    });

  it("needs 0 <= min <= max (unset = 0)", () => {
    expect(admit(natGatewayAutoscalerRules, as({ minPublicIPs: 1, maxPublicIPs: 10 }))).toEqual([]);
    expect(problems(admit(natGatewayAutoscalerRules, as({ minPublicIPs: 1 })))).toEqual([
      ["spec.minPublicIPs", "Invalid"],
    ]);
  });

  it("keeps natGatewayRef on spec updates (upstream only checked status updates)", () => {
    expect(
      problems(admitUpdate(natGatewayAutoscalerRules, as({ natGatewayRef: { name: "other" } }), as({}))),
    ).toEqual([["spec.natGatewayRef", "Immutable"]]);
  });
});

describe("NATTable", () => {
  it("checks addresses and port ranges", () => {
    const obj = object<NATTableObject>("NATTable", "gw", {
      ips: [
        {
          ip: "203.0.113.1",
          sections: [
            {
              ip: "10.0.0.1",
              port: 1024,
              endPort: 3071,
              targetRef: { uid: "u", name: "nic", nodeRef: { name: "local.node1" } },
            },
            { ip: "10.0.0.2", port: 80, endPort: 70 },
          ],
        },
      ],
    });
    expect(problems(admit(natTableRules, obj))).toEqual([
      ["ips[0].sections[1].port", "Invalid"],
      ["ips[0].sections[1].endPort", "Invalid"],
      ["ips[0].sections[1].endPort", "Forbidden"],
    ]);
  });
});
