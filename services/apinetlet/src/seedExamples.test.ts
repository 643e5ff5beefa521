/**
 * The seed documents' examples (/work/shared/seed-examples, seeds 002-004) end to end: ironcore-api
 * (with its controllers), ironcore-net and apinetlet in this process, over real gRPC.
 * The YAML examples are written out as objects here (apinetlet has no YAML dependency); field
 * for field they are the seed files.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { parseNetworkProviderID } from "@ironcore-ts/ironcore-net/providerId";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApinetIPObject,
  type ApinetLoadBalancerObject,
  type ApinetNATGatewayAutoscalerObject,
  type ApinetNATGatewayObject,
  type ApinetNetworkObject,
  apinetRefs,
  ironcoreRefs,
  type LoadBalancerObject,
  type NATGatewayObject,
  type NetworkObject,
  type VirtualIPObject,
} from "./kinds.js";
import { originAnnotations, originLabels } from "./originMetadata.js";
import { type Environment, elapsedMs, startEnvironment } from "./testEnvironment.js";

const ns = "default";

// seed-examples/network.yaml and network2.yaml: mutually peered.
const networkSample = {
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "Network",
  metadata: { namespace: ns, name: "network-sample" },
  spec: { peerings: [{ name: "peering1", networkRef: { name: "network-sample2" } }] },
};
const networkSample2 = {
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "Network",
  metadata: { namespace: ns, name: "network-sample2" },
  spec: { peerings: [{ name: "peering2", networkRef: { name: "network-sample" } }] },
};
// seed-examples/virtualip.yaml
const virtualIPSample = {
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "VirtualIP",
  metadata: { namespace: ns, name: "virtualip-sample" },
  spec: { type: "Public", ipFamily: "IPv4" },
};
// seed-examples/natgateway.yaml
const natGatewaySample = {
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "NATGateway",
  metadata: { namespace: ns, name: "natgateway-sample" },
  spec: {
    type: "Public",
    ipFamily: "IPv4",
    portsPerNetworkInterface: 64,
    networkRef: { name: "network-sample" },
  },
};
// seed-examples/loadbalancer.yaml
const loadBalancerSample = {
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "LoadBalancer",
  metadata: { namespace: ns, name: "loadbalancer-sample" },
  spec: {
    type: "Public",
    ipFamilies: ["IPv4"],
    networkRef: { name: "network-sample" },
    networkInterfaceSelector: { matchLabels: { app: "web" } },
    ports: [{ port: 80 }],
  },
};

const providerIDPattern = /^ironcore-net:\/\/[^/]+\/[^/]+\/\d+\/[^/]+$/;

let env: Environment;

beforeAll(async () => {
  env = await startEnvironment({ publicPrefixes: ["198.51.100.0/24", "2001:db8:aa::/120"] });
});

afterAll(async () => {
  await env?.stop();
});

async function get<T extends ApiObject>(
  ref: typeof ironcoreRefs.Network,
  name: string,
  namespace = ns,
): Promise<T> {
  return env.ironcore.get<T>(ref, namespace, name);
}

describe("seed examples", () => {
  it("a Network becomes Available with a providerID in the documented format", async () => {
    const start = performance.now();
    const created = await env.ironcore.create<NetworkObject>({ ...networkSample });
    const net = await eventually(
      async () => {
        const n = await get<NetworkObject>(ironcoreRefs.Network, "network-sample");
        expect(n.status?.state).toBe("Available");
        expect(n.spec?.providerID).toMatch(providerIDPattern);
        return n;
      },
      { timeoutMs: 20_000, intervalMs: 10 },
    );
    console.log(`network-sample Available with providerID after ${elapsedMs(start)} ms`);

    const id = parseNetworkProviderID(net.spec!.providerID!);
    expect(id.namespace).toBe(env.namespace);
    expect(id.name).toBe(created.metadata.uid);
    const apinet = await env.apinet.get<ApinetNetworkObject>(apinetRefs.Network, env.namespace, id.name);
    expect(apinet.spec?.id).toBe(id.id);
    expect(apinet.metadata.uid).toBe(id.uid);
    expect(Number(id.id)).toBeGreaterThanOrEqual(200);
    expect(apinet.metadata.labels).toMatchObject(originLabels("network", created));
    expect(apinet.metadata.annotations).toMatchObject(originAnnotations("network", created));
    expect(net.metadata.finalizers).toContain("apinet.ironcore.dev/network");
    // network-sample2 does not exist yet: its peering is one-sided.
    expect(net.status?.peerings).toEqual([{ name: "peering1", state: "Pending" }]);
  });

  it("a one-sided peering stays Pending", async () => {
    await env.ironcore.create({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "Network",
      metadata: { namespace: ns, name: "lonely" },
      spec: { peerings: [{ name: "to-sample", networkRef: { name: "network-sample" } }] },
    });
    await eventually(
      async () => {
        const n = await get<NetworkObject>(ironcoreRefs.Network, "lonely");
        expect(n.status?.state).toBe("Available");
      },
      { timeoutMs: 20_000 },
    );
    // Give the peering controller and apinetlet time to (not) do anything more.
    await new Promise((r) => setTimeout(r, 500));
    const lonely = await get<NetworkObject>(ironcoreRefs.Network, "lonely");
    expect(lonely.spec?.incomingPeerings ?? []).toEqual([]);
    expect(lonely.status?.peerings).toEqual([{ name: "to-sample", state: "Pending" }]);
    const apinet = await env.apinet.get<ApinetNetworkObject>(
      apinetRefs.Network,
      env.namespace,
      lonely.metadata.uid!,
    );
    expect(apinet.spec?.peerings ?? []).toEqual([]);
    const sample = await get<NetworkObject>(ironcoreRefs.Network, "network-sample");
    expect(sample.spec?.incomingPeerings ?? []).toEqual([]);
  });

  it("two mutually peered Networks show each other in incomingPeerings and Ready peerings", async () => {
    const start = performance.now();
    const sample2 = await env.ironcore.create<NetworkObject>({ ...networkSample2 });
    const sample = await get<NetworkObject>(ironcoreRefs.Network, "network-sample");
    const [a, b] = await eventually(
      async () => {
        const a = await get<NetworkObject>(ironcoreRefs.Network, "network-sample");
        const b = await get<NetworkObject>(ironcoreRefs.Network, "network-sample2");
        expect(a.spec?.incomingPeerings).toEqual([
          { namespace: ns, name: "network-sample2", uid: sample2.metadata.uid },
        ]);
        expect(b.spec?.incomingPeerings).toEqual([
          { namespace: ns, name: "network-sample", uid: sample.metadata.uid },
        ]);
        expect(a.status?.peerings).toEqual([{ name: "peering1", state: "Ready" }]);
        expect(b.status?.peerings).toEqual([{ name: "peering2", state: "Ready" }]);
        return [a, b];
      },
      { timeoutMs: 20_000 },
    );
    console.log(`mutual peering Ready on both sides after ${elapsedMs(start)} ms`);
    const apinetA = await env.apinet.get<ApinetNetworkObject>(
      apinetRefs.Network,
      env.namespace,
      a.metadata.uid!,
    );
    const apinetB = await env.apinet.get<ApinetNetworkObject>(
      apinetRefs.Network,
      env.namespace,
      b.metadata.uid!,
    );
    expect(apinetA.spec?.peerings).toEqual([{ name: "peering1", id: apinetB.spec?.id }]);
    expect(apinetB.spec?.peerings).toEqual([{ name: "peering2", id: apinetA.spec?.id }]);
    // The third network still only points at network-sample, which does not point back.
    const lonely = await get<NetworkObject>(ironcoreRefs.Network, "lonely");
    expect(lonely.status?.peerings).toEqual([{ name: "to-sample", state: "Pending" }]);
  });

  it("a VirtualIP gets a public IP from the pool", async () => {
    const start = performance.now();
    const created = await env.ironcore.create<VirtualIPObject>({ ...virtualIPSample });
    const vip = await eventually(
      async () => {
        const v = await get<VirtualIPObject>(ironcoreRefs.VirtualIP, "virtualip-sample");
        expect(v.status?.ip).toMatch(/^198\.51\.100\.\d+$/);
        return v;
      },
      { timeoutMs: 20_000, intervalMs: 10 },
    );
    console.log(`virtualip-sample got ${vip.status?.ip} after ${elapsedMs(start)} ms`);
    expect(vip.status?.conditions).toEqual([
      expect.objectContaining({ type: "Allocated", status: "True", reason: "Allocated" }),
    ]);
    const ip = await env.apinet.get<ApinetIPObject>(apinetRefs.IP, env.namespace, created.metadata.uid!);
    expect(ip.spec).toMatchObject({ type: "Public", ipFamily: "IPv4", ip: vip.status?.ip });
    expect(ip.metadata.labels).toMatchObject(originLabels("virtualip", created));
  });

  it("a NATGateway gets status.ips", async () => {
    const start = performance.now();
    const created = await env.ironcore.create<NATGatewayObject>({ ...natGatewaySample });
    const gw = await eventually(
      async () => {
        const g = await get<NATGatewayObject>(ironcoreRefs.NATGateway, "natgateway-sample");
        expect(g.status?.ips?.length).toBeGreaterThanOrEqual(1);
        return g;
      },
      { timeoutMs: 20_000 },
    );
    console.log(`natgateway-sample got ${gw.status?.ips} after ${elapsedMs(start)} ms`);
    for (const ip of gw.status?.ips ?? []) expect(ip).toMatch(/^198\.51\.100\.\d+$/);
    const network = await get<NetworkObject>(ironcoreRefs.Network, "network-sample");
    const apinetGw = await env.apinet.get<ApinetNATGatewayObject>(
      apinetRefs.NATGateway,
      env.namespace,
      created.metadata.uid!,
    );
    expect(apinetGw.spec).toMatchObject({
      ipFamily: "IPv4",
      networkRef: { name: network.metadata.uid },
      portsPerNetworkInterface: 64,
    });
    const autoscaler = await env.apinet.get<ApinetNATGatewayAutoscalerObject>(
      apinetRefs.NATGatewayAutoscaler,
      env.namespace,
      created.metadata.uid!,
    );
    expect(autoscaler.spec).toEqual({
      natGatewayRef: { name: created.metadata.uid },
      minPublicIPs: 1,
      maxPublicIPs: 10,
    });
    expect(autoscaler.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "NATGateway",
      uid: apinetGw.metadata.uid,
      controller: true,
    });
  });

  it("a Public LoadBalancer gets one IP per family", async () => {
    const start = performance.now();
    const created = await env.ironcore.create<LoadBalancerObject>({ ...loadBalancerSample });
    const lb = await eventually(
      async () => {
        const l = await get<LoadBalancerObject>(ironcoreRefs.LoadBalancer, "loadbalancer-sample");
        expect(l.status?.ips).toHaveLength(1);
        return l;
      },
      { timeoutMs: 20_000 },
    );
    console.log(`loadbalancer-sample got ${lb.status?.ips} after ${elapsedMs(start)} ms`);
    expect(lb.status?.ips?.[0]).toMatch(/^198\.51\.100\.\d+$/);
    const apinetLB = await env.apinet.get<ApinetLoadBalancerObject>(
      apinetRefs.LoadBalancer,
      env.namespace,
      created.metadata.uid!,
    );
    expect(apinetLB.spec?.type).toBe("Public");
    expect(apinetLB.spec?.ips).toEqual([{ name: "ipv4", ipFamily: "IPv4", ip: lb.status?.ips?.[0] }]);
    expect(apinetLB.spec?.ports).toEqual([{ protocol: "TCP", port: 80 }]);
    expect(apinetLB.spec?.selector?.matchLabels).toEqual(originLabels("loadbalancer", created));

    // Dual stack: one address of each family.
    const dual = await env.ironcore.create<LoadBalancerObject>({
      ...loadBalancerSample,
      metadata: { namespace: ns, name: "loadbalancer-dual" },
      spec: { ...loadBalancerSample.spec, ipFamilies: ["IPv4", "IPv6"] },
    });
    const dualLB = await eventually(
      async () => {
        const l = await get<LoadBalancerObject>(ironcoreRefs.LoadBalancer, "loadbalancer-dual");
        expect(l.status?.ips).toHaveLength(2);
        return l;
      },
      { timeoutMs: 20_000 },
    );
    const [v4, v6] = [...(dualLB.status?.ips ?? [])].sort((x, y) => x.length - y.length);
    expect(v4).toMatch(/^198\.51\.100\.\d+$/);
    expect(v6).toMatch(/^2001:db8:aa::/);
    expect(dual.metadata.uid).toBeDefined();
  });
});
