import { describe, expect, it } from "vitest";
import { loadBalancerRoutingRules } from "./loadBalancerRouting.js";
import { admit, problems, seedLoadBalancerRouting } from "./testdata.js";

describe("LoadBalancerRouting seed example (short destination form)", () => {
  it("accepts it and moves {name, uid} into targetRef", () => {
    const obj = seedLoadBalancerRouting();
    expect(admit(loadBalancerRoutingRules, obj)).toEqual([]);
    expect(obj.destinations).toEqual([
      { targetRef: { name: "my-machine-interface-1", uid: "2020dcf9-e030-427e-b0fc-4fec2016e73a" } },
      { targetRef: { name: "my-machine-interface-2", uid: "2020dcf9-e030-427e-b0fc-4fec2016e73d" } },
    ]);
  });

  it("keeps a given ip and merges with a consistent targetRef", () => {
    const obj = seedLoadBalancerRouting();
    obj.destinations = [
      { ip: "10.0.0.1", name: "nic-1", uid: "u-1", targetRef: { name: "nic-1", providerID: "p" } },
    ];
    expect(admit(loadBalancerRoutingRules, obj)).toEqual([]);
    expect(obj.destinations).toEqual([
      { ip: "10.0.0.1", targetRef: { name: "nic-1", uid: "u-1", providerID: "p" } },
    ]);
  });
});

describe("LoadBalancerRouting upstream form", () => {
  it("accepts destinations as the loadbalancer controller writes them", () => {
    const obj = seedLoadBalancerRouting();
    obj.networkRef = { name: "network-sample", uid: "n-1" };
    obj.destinations = [
      {
        ip: "10.0.0.1",
        targetRef: { uid: "u-1", name: "nic-1", providerID: "ironcore-net://default/nic-1/node/u" },
      },
      { ip: "2001:db8::2", targetRef: { uid: "u-2", name: "nic-2" } },
    ];
    expect(admit(loadBalancerRoutingRules, obj)).toEqual([]);
  });

  it("accepts an empty destination list", () => {
    const obj = seedLoadBalancerRouting();
    obj.destinations = [];
    expect(admit(loadBalancerRoutingRules, obj)).toEqual([]);
  });
});

describe("LoadBalancerRouting destinations", () => {
  it("refuses bad IPs, bad target names, empty destinations and conflicting short forms", () => {
    const obj = seedLoadBalancerRouting();
    obj.destinations = [
      { ip: "10.0.0.256" },
      { targetRef: { name: "NIC" } },
      {},
      { name: "nic-a", targetRef: { name: "nic-b", uid: "u" } },
    ];
    expect(problems(admit(loadBalancerRoutingRules, obj))).toEqual([
      ["destinations[0].ip", "Invalid"],
      ["destinations[1].targetRef.name", "Invalid"],
      ["destinations[2]", "Required"],
      ["destinations[3].name", "Forbidden"],
    ]);
  });
});

describe("LoadBalancerRouting name and network", () => {
  it("names are DNS subdomains", () => {
    const ok = seedLoadBalancerRouting();
    ok.metadata.name = "lb.routing";
    expect(admit(loadBalancerRoutingRules, ok)).toEqual([]);
    const bad = seedLoadBalancerRouting();
    bad.metadata.name = "LB";
    expect(problems(admit(loadBalancerRoutingRules, bad))).toEqual([["metadata.name", "Invalid"]]);
  });

  it("needs the network", () => {
    const obj = seedLoadBalancerRouting();
    delete obj.networkRef;
    expect(problems(admit(loadBalancerRoutingRules, obj))).toEqual([["networkRef.name", "Required"]]);
  });
});
