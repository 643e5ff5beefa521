import { describe, expect, it } from "vitest";
import { type DaemonSetObject, daemonSetRules } from "./daemonSet.js";
import { type InstanceObject, instanceRules } from "./instance.js";
import { type LoadBalancerObject, loadBalancerRules } from "./loadBalancer.js";
import { type LoadBalancerRoutingObject, loadBalancerRoutingRules } from "./loadBalancerRouting.js";
import { admit, admitUpdate, object, problems } from "./testdata.js";

const lb = (spec: LoadBalancerObject["spec"]) =>
  object<LoadBalancerObject>("LoadBalancer", "lb", {
    spec: {
      type: "Public",
      networkRef: { name: "net" },
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          affinity: {
            instanceAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  topologyKey: "topology.core.apinet.ironcore.dev/zone",
                  labelSelector: { matchLabels: { app: "web" } },
                },
              ],
            },
          },
        },
      },
      ...spec,
    },
  });

describe("LoadBalancer", () => {
  it("accepts apinetlet's Public load balancer with a scheduling-only template", () => {
    const obj = lb({
      ips: [{ name: "ipv4", ipFamily: "IPv4" }],
      ports: [{ port: 80 }, { protocol: "UDP", port: 53, endPort: 54 }],
    });
    expect(admit(loadBalancerRules, obj)).toEqual([]);
  });

  it("checks type, IP entries, ports and that the selector matches the template", () => {
    const obj = lb({
      type: "Internal",
      ips: [
        { name: "a", ipFamily: "IPv4", ip: "fd00::1" },
        { name: "b", ipFamily: "IPv6" },
      ],
      ports: [{ port: 0 }],
      selector: { matchLabels: { app: "db" } },
    });
    expect(problems(admit(loadBalancerRules, obj))).toEqual([
      ["spec.ips[0].ip", "Invalid"],
      ["spec.ips[1].ip", "Required"],
      ["spec.ports[0].port", "Invalid"],
      ["spec.template.metadata.labels", "Invalid"],
    ]);
  });

  it("keeps type, network and selector", () => {
    const changed = lb({ type: "Internal", ips: [{ name: "a", ipFamily: "IPv4", ip: "10.0.0.1" }] });
    expect(problems(admitUpdate(loadBalancerRules, changed, lb({})))).toEqual([["spec.type", "Immutable"]]);
  });
});

describe("Instance and DaemonSet", () => {
  const spec = {
    type: "LoadBalancer",
    loadBalancerType: "Public",
    networkRef: { name: "net" },
    ips: ["203.0.113.1"],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: "metadata.name", operator: "In", values: ["local.node1"] }] },
          ],
        },
      },
    },
  };

  it("accepts an instance pinned by node affinity; nodeRef is set once", () => {
    const obj = object<InstanceObject>("Instance", "lb-abc", { spec });
    expect(admit(instanceRules, obj)).toEqual([]);
    const bound = object<InstanceObject>("Instance", "lb-abc", {
      spec: { ...spec, nodeRef: { name: "local.node1" } },
    });
    expect(admitUpdate(instanceRules, bound, object<InstanceObject>("Instance", "lb-abc", { spec }))).toEqual(
      [],
    );
    const moved = object<InstanceObject>("Instance", "lb-abc", {
      spec: { ...spec, nodeRef: { name: "local.node2" } },
    });
    expect(problems(admitUpdate(instanceRules, moved, bound))).toEqual([["spec.nodeRef", "Immutable"]]);
  });

  it("refuses field selectors other than metadata.name and incomplete specs", () => {
    const obj = object<InstanceObject>("Instance", "i", {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: "spec.x", operator: "Exists" }] }],
            },
          },
        },
        topologySpreadConstraints: [{ maxSkew: 0, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway" }],
      },
    });
    const terms =
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]";
    expect(problems(admit(instanceRules, obj))).toEqual([
      ["spec.type", "Required"],
      ["spec.loadBalancerType", "Required"],
      ["spec.networkRef", "Required"],
      [`${terms}.matchFields[0].key`, "NotSupported"],
      [`${terms}.matchFields[0].operator`, "NotSupported"],
      ["spec.topologySpreadConstraints[0].maxSkew", "Invalid"],
      ["spec.topologySpreadConstraints[0].whenUnsatisfiable", "NotSupported"],
    ]);
  });

  it("needs a DaemonSet selector matching its complete template", () => {
    const ds = object<DaemonSetObject>("DaemonSet", "lb-x", {
      spec: {
        nodeSelector: { matchLabels: { a: "b" } },
        template: { metadata: { labels: { a: "b" } }, spec },
      },
    });
    expect(admit(daemonSetRules, ds)).toEqual([]);
    ds.spec!.nodeSelector = { matchLabels: { a: "c" } };
    expect(problems(admit(daemonSetRules, ds))).toEqual([["spec.template.metadata.labels", "Invalid"]]);
  });
});

describe("LoadBalancerRouting", () => {
  it("checks destinations", () => {
    const obj = object<LoadBalancerRoutingObject>("LoadBalancerRouting", "lb", {
      destinations: [
        { ip: "10.0.0.1", targetRef: { uid: "u", name: "nic", nodeRef: { name: "local.node1" } } },
        { targetRef: { name: "x" } },
      ],
    });
    expect(problems(admit(loadBalancerRoutingRules, obj))).toEqual([
      ["destinations[1].ip", "Required"],
      ["destinations[1].targetRef.uid", "Required"],
    ]);
  });
});
