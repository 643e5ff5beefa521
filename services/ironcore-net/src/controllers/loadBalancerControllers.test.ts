import type { LoadBalancerPortJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { eventually } from "@ironcore-ts/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apinetApiVersion, apinetRefs, labels } from "../apinet.js";
import type {
  DaemonSetObject,
  InstanceObject,
  LoadBalancerObject,
  LoadBalancerRoutingObject,
  NodeObject,
} from "./controllerObjects.js";
import {
  type ControllersTestEnv,
  controllersSettled,
  list,
  reconcileEverything,
  resourceVersions,
  startControllersTestEnv,
  testNamespace,
} from "./networkControllersTestEnv.js";

function node(name: string, nodeLabels?: Record<string, string>): NodeObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "Node",
    metadata: { name, ...(nodeLabels ? { labels: nodeLabels } : {}) },
  };
}

const zoneKey = labels.topologyZone;

function loadBalancer(
  name: string,
  options: { ports?: LoadBalancerPortJson[]; zoneAntiAffinity?: boolean; onlyNode?: string } = {},
): LoadBalancerObject {
  const lbLabels = { app: name };
  const affinity: Record<string, unknown> = {};
  if (options.zoneAntiAffinity) {
    // What apinetlet writes: at most one instance of this LB per zone.
    affinity.instanceAntiAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: zoneKey, labelSelector: { matchLabels: lbLabels } },
      ],
    };
  }
  if (options.onlyNode) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchFields: [{ key: "metadata.name", operator: "In", values: [options.onlyNode] }] },
        ],
      },
    };
  }
  return {
    apiVersion: apinetApiVersion,
    kind: "LoadBalancer",
    metadata: { namespace: testNamespace, name },
    spec: {
      type: "Public",
      networkRef: { name: "net" },
      ips: [{ name: "ipv4", ipFamily: "IPv4" }],
      ports: options.ports ?? [{ protocol: "TCP", port: 80 }],
      selector: { matchLabels: lbLabels },
      template: {
        metadata: { labels: lbLabels },
        spec: Object.keys(affinity).length > 0 ? { affinity } : {},
      },
    },
  };
}

async function instances(env: ControllersTestEnv): Promise<InstanceObject[]> {
  return list<InstanceObject>(env.client, apinetRefs.Instance);
}

function nodesOf(items: readonly InstanceObject[]): string[] {
  return items.map((i) => i.spec?.nodeRef?.name ?? "").sort();
}

describe("load balancer, daemon set and instance controllers", () => {
  let env: ControllersTestEnv;
  beforeEach(async () => {
    env = await startControllersTestEnv();
  });
  afterEach(async () => {
    await env.stop();
  });

  it("runs one instance per node, follows nodes and ports, and cleans up with the load balancer", async () => {
    const { client } = env;
    for (const n of ["p.node-1", "p.node-2", "p.node-3"]) await client.create(node(n));
    const lb = await client.create(loadBalancer("lb1"));
    const lbIP = lb.spec!.ips![0]!.ip!;
    expect(lbIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // apinetlet's routing, here without an owner reference: the controller removes it anyway.
    await client.create<LoadBalancerRoutingObject>({
      apiVersion: apinetApiVersion,
      kind: "LoadBalancerRouting",
      metadata: { namespace: testNamespace, name: "lb1" },
      destinations: [{ ip: "10.0.0.1" }],
    });

    await eventually(async () =>
      expect(nodesOf(await instances(env))).toEqual(["p.node-1", "p.node-2", "p.node-3"]),
    );
    await controllersSettled(env);
    const ds = await client.get<DaemonSetObject>(apinetRefs.DaemonSet, testNamespace, "lb-lb1");
    expect(ds.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "LoadBalancer", name: "lb1", uid: lb.metadata.uid, controller: true }),
    ]);
    expect(ds.spec).toMatchObject({
      nodeSelector: { matchLabels: { app: "lb1" } },
      template: {
        metadata: { labels: { app: "lb1" } },
        spec: {
          type: "LoadBalancer",
          loadBalancerType: "Public",
          networkRef: { name: "net" },
          ips: [lbIP],
          loadBalancerPorts: [{ protocol: "TCP", port: 80 }],
        },
      },
    });
    const first = await instances(env);
    expect(first).toHaveLength(3);
    for (const inst of first) {
      expect(inst.metadata.name).toMatch(/^lb-lb1-[a-z0-9]{10}$/);
      expect(inst.metadata.labels).toMatchObject({
        app: "lb1",
        [labels.controllerRevisionHash]: expect.any(String),
      });
      expect(inst.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: "DaemonSet",
          name: "lb-lb1",
          uid: ds.metadata.uid,
          controller: true,
        }),
      ]);
      expect(inst.spec).toMatchObject({
        type: "LoadBalancer",
        loadBalancerType: "Public",
        networkRef: { name: "net" },
        ips: [lbIP],
        loadBalancerPorts: [{ protocol: "TCP", port: 80 }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchFields: [{ key: "metadata.name", operator: "In", values: [inst.spec!.nodeRef!.name] }],
                },
              ],
            },
          },
        },
      });
    }

    // Reconciling everything again changes nothing.
    const kinds = [
      apinetRefs.LoadBalancer,
      apinetRefs.DaemonSet,
      apinetRefs.Instance,
      apinetRefs.LoadBalancerRouting,
    ];
    const before = await resourceVersions(client, kinds);
    await reconcileEverything(env);
    expect(await resourceVersions(client, kinds)).toEqual(before);

    await client.create(node("p.node-4"));
    await eventually(async () =>
      expect(nodesOf(await instances(env))).toEqual(["p.node-1", "p.node-2", "p.node-3", "p.node-4"]),
    );
    // The instances that were there stay (same objects).
    const names = new Set((await instances(env)).map((i) => i.metadata.name));
    for (const inst of first) expect(names.has(inst.metadata.name)).toBe(true);

    await client.delete(apinetRefs.Node, undefined, "p.node-2");
    await eventually(async () =>
      expect(nodesOf(await instances(env))).toEqual(["p.node-1", "p.node-3", "p.node-4"]),
    );

    await client.patch(apinetRefs.LoadBalancer, testNamespace, "lb1", {
      spec: {
        ports: [
          { protocol: "TCP", port: 80 },
          { protocol: "UDP", port: 5000, endPort: 5010 },
        ],
      },
    });
    await eventually(async () => {
      const items = await instances(env);
      expect(items).toHaveLength(3);
      for (const inst of items) {
        expect(inst.spec!.loadBalancerPorts).toEqual([
          { protocol: "TCP", port: 80 },
          { protocol: "UDP", port: 5000, endPort: 5010 },
        ]);
      }
    });

    await client.delete(apinetRefs.LoadBalancer, testNamespace, "lb1");
    await eventually(async () => {
      expect(await list(client, apinetRefs.DaemonSet)).toEqual([]);
      expect(await instances(env)).toEqual([]);
      expect(await list(client, apinetRefs.LoadBalancerRouting)).toEqual([]);
    });
  });

  it("honours the template's zone anti-affinity and node affinity", async () => {
    const { client } = env;
    await client.create(node("p.a-1", { [zoneKey]: "a" }));
    await client.create(node("p.a-2", { [zoneKey]: "a" }));
    await client.create(node("p.b-1", { [zoneKey]: "b" }));
    await client.create(loadBalancer("spread", { zoneAntiAffinity: true }));
    await client.create(loadBalancer("pinned", { onlyNode: "p.b-1" }));

    await eventually(async () => {
      const items = await instances(env);
      const spread = items.filter((i) => i.metadata.labels?.app === "spread");
      const pinned = items.filter((i) => i.metadata.labels?.app === "pinned");
      // One per zone: a-1 (first by name in zone a) and b-1.
      expect(nodesOf(spread)).toEqual(["p.a-1", "p.b-1"]);
      expect(nodesOf(pinned)).toEqual(["p.b-1"]);
    });
    await controllersSettled(env);

    // The zone-a instance's node goes: its replacement lands on the other node of zone a.
    await client.delete(apinetRefs.Node, undefined, "p.a-1");
    await eventually(async () => {
      const spread = (await instances(env)).filter((i) => i.metadata.labels?.app === "spread");
      expect(nodesOf(spread)).toEqual(["p.a-2", "p.b-1"]);
    });
  });

  it("schedules instances without a node onto the least loaded node that their anti-affinity allows", async () => {
    const { client } = env;
    await client.create(node("p.a-1", { [zoneKey]: "a" }));
    await client.create(node("p.b-1", { [zoneKey]: "b" }));
    const instance = (name: string): InstanceObject => ({
      apiVersion: apinetApiVersion,
      kind: "Instance",
      metadata: { namespace: testNamespace, name, labels: { app: "solo" } },
      spec: {
        type: "LoadBalancer",
        loadBalancerType: "Internal",
        networkRef: { name: "net" },
        ips: ["10.0.0.10"],
        affinity: {
          instanceAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: zoneKey, labelSelector: { matchLabels: { app: "solo" } } },
            ],
          },
        },
      },
    });
    await client.create(instance("one"));
    await client.create(instance("two"));
    await client.create(instance("three"));
    await eventually(async () => {
      const scheduled = (await instances(env)).filter((i) => i.spec?.nodeRef?.name);
      expect(nodesOf(scheduled)).toEqual(["p.a-1", "p.b-1"]);
    });
    await controllersSettled(env);
    const waiting = (await instances(env)).filter((i) => !i.spec?.nodeRef?.name);
    expect(waiting).toHaveLength(1);

    // A new zone makes room for the one that waits.
    await client.create(node("p.c-1", { [zoneKey]: "c" }));
    await eventually(async () => {
      expect(nodesOf(await instances(env))).toEqual(["p.a-1", "p.b-1", "p.c-1"]);
    });
  });
});
