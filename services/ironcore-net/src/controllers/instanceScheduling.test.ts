import type { InstanceSpecJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { describe, expect, it } from "vitest";
import type { NodeObject } from "./controllerObjects.js";
import { leastLoadedNode } from "./instanceSchedulerReconciler.js";
import {
  feasibleNodes,
  nodeAffinityMatches,
  type PlacedInstance,
  pinnedNodeName,
} from "./instanceScheduling.js";

const zone = "topology.core.apinet.ironcore.dev/zone";

function node(name: string, labels: Record<string, string> = {}): NodeObject {
  return { metadata: { name, labels } };
}

const nodes = [
  node("a-1", { [zone]: "a", rack: "1" }),
  node("a-2", { [zone]: "a", rack: "2" }),
  node("b-1", { [zone]: "b", rack: "10" }),
  node("none"),
];

function names(list: readonly NodeObject[]): string[] {
  return list.map((n) => n.metadata.name!);
}

function affinityOf(
  terms: NonNullable<NonNullable<InstanceSpecJson["affinity"]>["nodeAffinity"]>,
): InstanceSpecJson {
  return { affinity: { nodeAffinity: terms } };
}

describe("node affinity", () => {
  it("ORs terms, ANDs requirements, and knows every operator", () => {
    const spec = affinityOf({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: zone, operator: "In", values: ["b"] }] },
          {
            matchExpressions: [
              { key: "rack", operator: "Gt", values: ["1"] },
              { key: "rack", operator: "Lt", values: ["5"] },
            ],
          },
        ],
      },
    });
    expect(names(nodes.filter((n) => nodeAffinityMatches(spec.affinity, n)))).toEqual(["a-2", "b-1"]);
    const notIn = affinityOf({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: "NotIn", values: ["a"] }] }],
      },
    });
    expect(names(nodes.filter((n) => nodeAffinityMatches(notIn.affinity, n)))).toEqual(["b-1", "none"]);
    const missing = affinityOf({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: "DoesNotExist" }] }],
      },
    });
    expect(names(nodes.filter((n) => nodeAffinityMatches(missing.affinity, n)))).toEqual(["none"]);
  });

  it("pins by metadata.name, and an empty term selects nothing", () => {
    const pinned = affinityOf({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["a-2"] }] }],
      },
    });
    expect(names(nodes.filter((n) => nodeAffinityMatches(pinned.affinity, n)))).toEqual(["a-2"]);
    expect(pinnedNodeName(pinned)).toBe("a-2");
    const empty = affinityOf({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } });
    expect(nodes.filter((n) => nodeAffinityMatches(empty.affinity, n))).toEqual([]);
    expect(nodes.filter((n) => nodeAffinityMatches(undefined, n))).toHaveLength(4);
  });
});

describe("instance anti-affinity and topology spread", () => {
  const antiZone: InstanceSpecJson = {
    affinity: {
      instanceAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: zone, labelSelector: { matchLabels: { app: "x" } } },
        ],
      },
    },
  };
  const subject = { uid: "new", namespace: "ns", labels: { app: "x" }, spec: antiZone };

  it("keeps a zone with a matching instance out, in the same namespace only; nodes without the key are free", () => {
    const placed: PlacedInstance[] = [{ uid: "old", namespace: "ns", labels: { app: "x" }, nodeName: "a-1" }];
    expect(names(feasibleNodes(subject, nodes, placed))).toEqual(["b-1", "none"]);
    const elsewhere: PlacedInstance[] = [
      { uid: "old", namespace: "other", labels: { app: "x" }, nodeName: "a-1" },
    ];
    expect(names(feasibleNodes(subject, nodes, elsewhere))).toEqual(["a-1", "a-2", "b-1", "none"]);
    // An instance never conflicts with itself.
    expect(names(feasibleNodes(subject, nodes, [{ ...subject, nodeName: "a-1" }]))).toContain("a-2");
  });

  it("is symmetric: a placed instance's anti-affinity keeps the subject out too", () => {
    const placed: PlacedInstance[] = [
      { uid: "old", namespace: "ns", labels: { app: "y" }, spec: antiZone, nodeName: "b-1" },
    ];
    expect(
      names(feasibleNodes({ uid: "new", namespace: "ns", labels: { app: "x" } }, nodes, placed)),
    ).toEqual(["a-1", "a-2", "none"]);
  });

  it("keeps the skew between zones within maxSkew and refuses nodes without the key", () => {
    const spread = {
      uid: "new",
      namespace: "ns",
      labels: { app: "s" },
      spec: {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: zone,
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app: "s" } },
          },
        ],
      },
    };
    const placed: PlacedInstance[] = [{ namespace: "ns", labels: { app: "s" }, nodeName: "a-1" }];
    expect(names(feasibleNodes(spread, nodes, placed))).toEqual(["b-1"]);
    placed.push({ namespace: "ns", labels: { app: "s" }, nodeName: "b-1" });
    expect(names(feasibleNodes(spread, nodes, placed))).toEqual(["a-1", "a-2", "b-1"]);
  });

  it("picks the node with the fewest instances, then by name", () => {
    const placed: PlacedInstance[] = [
      { namespace: "ns", nodeName: "a-1" },
      { namespace: "ns", nodeName: "a-1" },
      { namespace: "other", nodeName: "a-2" },
    ];
    expect(leastLoadedNode(nodes.slice(0, 3), placed)).toBe("b-1");
    expect(leastLoadedNode(nodes.slice(0, 2), placed)).toBe("a-2");
    expect(leastLoadedNode([], placed)).toBeUndefined();
  });
});
