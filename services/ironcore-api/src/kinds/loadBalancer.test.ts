import { describe, expect, it } from "vitest";
import { type LoadBalancerObject, loadBalancerRules } from "./loadBalancer.js";
import { admit, admitUpdate, paths, problems, seedLoadBalancer } from "./testdata.js";

function internal(spec: Partial<NonNullable<LoadBalancerObject["spec"]>> = {}): LoadBalancerObject {
  return {
    metadata: { namespace: "default", name: "lb-internal" },
    spec: { type: "Internal", networkRef: { name: "net" }, ips: [{ value: "10.0.0.100" }], ...spec },
  };
}

function withPorts(ports: NonNullable<LoadBalancerObject["spec"]>["ports"]): LoadBalancerObject {
  const obj = seedLoadBalancer();
  obj.spec!.ports = ports;
  return obj;
}

describe("LoadBalancer seed example and typical objects", () => {
  it("accepts the seed example unchanged", () => {
    const obj = seedLoadBalancer();
    expect(admit(loadBalancerRules, obj)).toEqual([]);
    expect(obj).toEqual(seedLoadBalancer());
  });

  it("accepts an Internal dual-stack LB with a literal and an ephemeral IP", () => {
    const obj = internal({
      ips: [
        { value: "10.0.0.100" },
        { ephemeral: { prefixTemplate: { spec: { ipFamily: "IPv6", parentRef: { name: "pool-v6" } } } } },
      ],
      ports: [{ port: 80 }, { protocol: "UDP", port: 53 }, { protocol: "TCP", port: 8000, endPort: 8100 }],
    });
    expect(admit(loadBalancerRules, obj)).toEqual([]);
    expect(obj.spec?.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(obj.spec?.ips?.[1]?.ephemeral?.prefixTemplate?.spec?.prefixLength).toBe(128);
  });
});

describe("LoadBalancer Public vs Internal", () => {
  it("drops the ips of a Public LB (they are allocated, not given)", () => {
    const obj = seedLoadBalancer();
    obj.spec!.ips = [{ value: "not even an IP" }];
    expect(admit(loadBalancerRules, obj)).toEqual([]);
    expect(obj.spec?.ips).toBeUndefined();
  });

  it("keeps and validates the ips of an Internal LB", () => {
    const obj = internal({ ipFamilies: ["IPv6"] });
    const errs = admit(loadBalancerRules, obj);
    expect(problems(errs)).toEqual([["spec.ips[0].value", "Invalid"]]);
    expect(obj.spec?.ips).toEqual([{ value: "10.0.0.100" }]);
  });

  it("flags Internal ips without a family entry", () => {
    const obj = internal({ ipFamilies: ["IPv4"], ips: [{ value: "10.0.0.100" }, { value: "2001:db8::1" }] });
    expect(problems(admit(loadBalancerRules, obj))).toEqual([["spec.ips[1]", "Invalid"]]);
  });

  it("knows only Public and Internal", () => {
    const obj = seedLoadBalancer();
    obj.spec!.type = "External";
    expect(problems(admit(loadBalancerRules, obj))).toEqual([["spec.type", "NotSupported"]]);
  });
});

describe("LoadBalancer IP families", () => {
  it("refuses duplicate and missing families", () => {
    const dup = seedLoadBalancer();
    dup.spec!.ipFamilies = ["IPv4", "IPv4"];
    expect(problems(admit(loadBalancerRules, dup))).toEqual([["spec.ipFamilies[1]", "Duplicate"]]);

    const none = seedLoadBalancer();
    delete none.spec!.ipFamilies;
    expect(problems(admit(loadBalancerRules, none))).toEqual([["spec.ipFamilies", "Required"]]);
  });
});

describe("LoadBalancer ports", () => {
  it("refuses overlapping ranges of one protocol (absent protocol = TCP)", () => {
    const errs = admit(loadBalancerRules, withPorts([{ port: 80 }, { protocol: "TCP", port: 80 }]));
    expect(problems(errs)).toEqual([["spec.ports[1]", "Forbidden"]]);

    const ranges = admit(
      loadBalancerRules,
      withPorts([{ port: 8000, endPort: 8100 }, { port: 9000 }, { port: 8100, endPort: 8200 }]),
    );
    expect(problems(ranges)).toEqual([["spec.ports[2]", "Forbidden"]]);
  });

  it("allows the same port for different protocols", () => {
    expect(admit(loadBalancerRules, withPorts([{ port: 53 }, { protocol: "UDP", port: 53 }]))).toEqual([]);
  });

  it("validates the FIRST port of each protocol too (upstream quirk: it skipped them)", () => {
    const errs = admit(
      loadBalancerRules,
      withPorts([
        { protocol: "TCP", port: 70000 },
        { protocol: "UDP", port: 100, endPort: 50 },
        { protocol: "ICMP", port: 1 },
        { protocol: "SCTP" },
      ]),
    );
    expect(problems(errs)).toEqual([
      ["spec.ports[0].port", "Invalid"],
      ["spec.ports[1].endPort", "Forbidden"],
      ["spec.ports[2].protocol", "NotSupported"],
      ["spec.ports[3].port", "Invalid"],
    ]);
  });

  it("checks endPort bounds", () => {
    const errs = admit(loadBalancerRules, withPorts([{ port: 80, endPort: 65536 }]));
    expect(problems(errs)).toEqual([["spec.ports[0].endPort", "Invalid"]]);
  });

  it("reports each later port once, not once per earlier port", () => {
    const errs = admit(loadBalancerRules, withPorts([{ port: 1 }, { port: 2 }, { port: 3, endPort: 2 }]));
    expect(problems(errs)).toEqual([["spec.ports[2].endPort", "Forbidden"]]);
  });
});

describe("LoadBalancer name and references", () => {
  it("names are DNS labels", () => {
    const obj = seedLoadBalancer();
    obj.metadata.name = "lb.a";
    expect(paths(admit(loadBalancerRules, obj))).toEqual(["metadata.name"]);
  });

  it("needs networkRef and a valid selector", () => {
    const obj = seedLoadBalancer();
    delete obj.spec!.networkRef;
    obj.spec!.networkInterfaceSelector = { matchExpressions: [{ key: "app", operator: "Near" }] };
    expect(problems(admit(loadBalancerRules, obj))).toEqual([
      ["spec.networkRef", "Required"],
      ["spec.networkInterfaceSelector.matchExpressions[0].operator", "NotSupported"],
    ]);
  });
});

describe("LoadBalancer update", () => {
  it("refuses changing networkRef and allows changing ports and selector", () => {
    const moved = seedLoadBalancer();
    moved.spec!.networkRef = { name: "other" };
    expect(problems(admitUpdate(loadBalancerRules, moved, seedLoadBalancer()))).toEqual([
      ["spec.networkRef", "Immutable"],
    ]);

    const edited = seedLoadBalancer();
    edited.spec!.ports = [{ port: 443 }];
    edited.spec!.networkInterfaceSelector = { matchLabels: { app: "api" } };
    expect(admitUpdate(loadBalancerRules, edited, seedLoadBalancer())).toEqual([]);
  });
});

describe("LoadBalancer status", () => {
  it("checks the IPs", () => {
    const obj = seedLoadBalancer();
    obj.status = { ips: ["192.0.2.5", "nope"] };
    expect(paths(loadBalancerRules.validateStatus?.(obj) ?? [])).toEqual(["status.ips[1]"]);
  });
});
