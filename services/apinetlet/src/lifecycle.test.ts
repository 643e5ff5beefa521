/**
 * NetworkInterfaces, NetworkPolicies and LoadBalancerRoutings end to end, and clean-up: deleting
 * the ironcore objects leaves no apinet object behind, and apinet objects left by a crash
 * (whose ironcore object is gone) are removed when apinetlet starts.
 *
 * Nothing creates apinet NICs yet (the machine provider comes later), so the test does what the
 * provider will: create an apinet NIC on a node and write its provider ID into the ironcore NIC,
 * and report its state as metalnetlet will (apinet status Ready + publicIPs).
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { formatNetworkInterfaceProviderID } from "@ironcore-ts/ironcore-net/providerId";
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApinetLoadBalancerRoutingObject,
  type ApinetNetworkInterfaceObject,
  type ApinetNetworkPolicyObject,
  type ApinetNetworkPolicyRuleObject,
  apinetApiVersion,
  apinetRefs,
  ironcoreRefs,
  type LoadBalancerObject,
  type NetworkInterfaceObject,
  type NetworkObject,
  type VirtualIPObject,
} from "./kinds.js";
import { keyOf } from "./objects.js";
import { originLabels, originUIDLabel } from "./originMetadata.js";
import { type Environment, listApinetObjects, startEnvironment, testNamespace } from "./testEnvironment.js";

const ns = "default";
const node = "local.node1";

let env: Environment;

beforeAll(async () => {
  env = await startEnvironment({ publicPrefixes: ["198.51.100.0/24"] });
});

afterAll(async () => {
  await env?.stop();
});

async function availableNetwork(name: string): Promise<NetworkObject> {
  await env.ironcore.create({
    apiVersion: "networking.ironcore.dev/v1alpha1",
    kind: "Network",
    metadata: { namespace: ns, name },
    spec: {},
  });
  return eventually(
    async () => {
      const n = await env.ironcore.get<NetworkObject>(ironcoreRefs.Network, ns, name);
      expect(n.status?.state).toBe("Available");
      return n;
    },
    { timeoutMs: 20_000 },
  );
}

/** What the machine provider does: an apinet NIC on its node, provider ID into the ironcore NIC. */
async function attach(
  nic: NetworkInterfaceObject,
  network: NetworkObject,
  ip: string,
  labels: Record<string, string> = {},
) {
  const apinetNIC = await env.apinet.create<ApinetNetworkInterfaceObject>({
    apiVersion: apinetApiVersion,
    kind: "NetworkInterface",
    metadata: { namespace: testNamespace, name: `nic-${nic.metadata.uid}`, labels },
    spec: { nodeRef: { name: node }, networkRef: { name: network.metadata.uid }, ips: [ip] },
  });
  const providerID = formatNetworkInterfaceProviderID({
    namespace: testNamespace,
    name: apinetNIC.metadata.name!,
    node,
    uid: apinetNIC.metadata.uid!,
  });
  await env.ironcore.patch(ironcoreRefs.NetworkInterface, ns, nic.metadata.name!, { spec: { providerID } });
  return { apinetNIC, providerID };
}

/** What metalnetlet does once the data plane has the interface. */
async function reportReady(apinetNIC: ApinetNetworkInterfaceObject, publicIPs: string[] = []) {
  await env.apinet.patch(
    apinetRefs.NetworkInterface,
    testNamespace,
    apinetNIC.metadata.name!,
    { status: { state: "Ready", publicIPs: publicIPs.length > 0 ? publicIPs : null } },
    { status: true },
  );
}

function nicObject(
  name: string,
  network: string,
  ip: string,
  labels: Record<string, string> = {},
  virtualIPRef?: string,
) {
  return {
    apiVersion: "networking.ironcore.dev/v1alpha1",
    kind: "NetworkInterface",
    metadata: { namespace: ns, name, labels },
    spec: {
      networkRef: { name: network },
      ipFamilies: ["IPv4"],
      ips: [{ value: ip }],
      ...(virtualIPRef ? { virtualIP: { virtualIPRef: { name: virtualIPRef } } } : {}),
    },
  };
}

describe("network interfaces", () => {
  it("reports the apinet NIC, claims it and the VirtualIP, and releases them", async () => {
    const network = await availableNetwork("network-sample");
    await env.ironcore.create({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "VirtualIP",
      metadata: { namespace: ns, name: "virtualip-sample" },
      spec: { type: "Public", ipFamily: "IPv4" },
    });
    const vip = await eventually(async () => {
      const v = await env.ironcore.get<VirtualIPObject>(ironcoreRefs.VirtualIP, ns, "virtualip-sample");
      expect(v.status?.ip).toBeTruthy();
      return v;
    });
    // seed-examples/networkinterface.yaml
    const nic = await env.ironcore.create<NetworkInterfaceObject>(
      nicObject("networkinterface-sample", "network-sample", "10.0.0.1", {}, "virtualip-sample"),
    );
    // No provider ID yet: Pending, but the VirtualIP is claimed already.
    await eventually(async () => {
      const v = await env.ironcore.get<VirtualIPObject>(ironcoreRefs.VirtualIP, ns, "virtualip-sample");
      expect(v.spec?.targetRef).toEqual({ name: "networkinterface-sample", uid: nic.metadata.uid });
    });

    const { apinetNIC, providerID } = await attach(nic, network, "10.0.0.1");
    const claimed = await eventually(async () => {
      const a = await env.apinet.get<ApinetNetworkInterfaceObject>(
        apinetRefs.NetworkInterface,
        testNamespace,
        apinetNIC.metadata.name!,
      );
      expect(a.metadata.labels).toMatchObject(originLabels("networkinterface", nic));
      expect(a.spec?.publicIPs).toEqual([{ name: vip.status?.ip, ipFamily: "IPv4", ip: vip.status?.ip }]);
      return a;
    });
    expect(claimed.spec?.natGateways ?? []).toEqual([]);
    await eventually(async () => {
      const n = await env.ironcore.get<NetworkInterfaceObject>(
        ironcoreRefs.NetworkInterface,
        ns,
        "networkinterface-sample",
      );
      expect(n.status?.state).toBe("Pending");
      expect(n.status?.ips).toEqual(["10.0.0.1"]);
      expect(n.metadata.finalizers).toContain("apinet.ironcore.dev/networkinterface");
    });

    await reportReady(apinetNIC, [vip.status!.ip!]);
    const available = await eventually(async () => {
      const n = await env.ironcore.get<NetworkInterfaceObject>(
        ironcoreRefs.NetworkInterface,
        ns,
        "networkinterface-sample",
      );
      expect(n.status?.state).toBe("Available");
      expect(n.status?.virtualIP).toBe(vip.status?.ip);
      expect(n.status?.lastStateTransitionTime).toBeTruthy();
      return n;
    });
    expect(available.spec?.providerID).toBe(providerID);

    // Provider ID cleared (the machine let go of it): released, and back to Pending.
    await env.ironcore.patch(ironcoreRefs.NetworkInterface, ns, "networkinterface-sample", {
      spec: { providerID: null },
    });
    await eventually(async () => {
      const a = await env.apinet.get<ApinetNetworkInterfaceObject>(
        apinetRefs.NetworkInterface,
        testNamespace,
        apinetNIC.metadata.name!,
      );
      expect(a.metadata.labels?.[originUIDLabel("networkinterface")]).toBeUndefined();
      expect(a.spec?.publicIPs ?? []).toEqual([]);
      const n = await env.ironcore.get<NetworkInterfaceObject>(
        ironcoreRefs.NetworkInterface,
        ns,
        "networkinterface-sample",
      );
      expect(n.status?.state).toBe("Pending");
      expect(n.status?.ips ?? []).toEqual([]);
      expect(n.status?.virtualIP ?? "").toBe("");
    });
    await env.apinet.delete(apinetRefs.NetworkInterface, testNamespace, apinetNIC.metadata.name!);
  });
});

describe("network policies and load balancer routing", () => {
  it("resolves targets and peers, and follows label and NIC changes", async () => {
    const network = await availableNetwork("my-network");
    const db = await env.ironcore.create<NetworkInterfaceObject>(
      nicObject("db", "my-network", "10.1.0.1", { app: "db" }),
    );
    const web = await env.ironcore.create<NetworkInterfaceObject>(
      nicObject("web", "my-network", "10.1.0.2", { app: "web" }),
    );
    const dbAttached = await attach(db, network, "10.1.0.1");
    const webAttached = await attach(web, network, "10.1.0.2");
    await reportReady(dbAttached.apinetNIC);
    await reportReady(webAttached.apinetNIC);
    // An internal load balancer labelled app=web: a LoadBalancer peer.
    await env.ironcore.create({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "LoadBalancer",
      metadata: { namespace: ns, name: "web-internal", labels: { app: "web" } },
      spec: {
        type: "Internal",
        ipFamilies: ["IPv4"],
        ips: [{ value: "10.1.0.100" }],
        networkRef: { name: "my-network" },
        networkInterfaceSelector: { matchLabels: { app: "web" } },
        ports: [{ port: 80 }],
      },
    });
    // seed-examples/networkpolicy.yaml
    const policy = await env.ironcore.create<ApiObject>({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "NetworkPolicy",
      metadata: { namespace: ns, name: "my-network-policy" },
      spec: {
        networkRef: { name: "my-network" },
        networkInterfaceSelector: { matchLabels: { app: "db" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [
              { ipBlock: { cidr: "172.17.0.0/16" } },
              { objectSelector: { kind: "NetworkInterface", matchLabels: { app: "web" } } },
              { objectSelector: { kind: "LoadBalancer", matchLabels: { app: "web" } } },
            ],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 8080 }] }],
      },
    });
    const uid = policy.metadata.uid!;
    await eventually(
      async () => {
        const rule = await env.apinet.get<ApinetNetworkPolicyRuleObject>(
          apinetRefs.NetworkPolicyRule,
          testNamespace,
          uid,
        );
        expect(rule.targets).toEqual([
          {
            ip: "10.1.0.1",
            targetRef: { name: dbAttached.apinetNIC.metadata.name, uid: dbAttached.apinetNIC.metadata.uid },
          },
        ]);
        expect(rule.ingressRule).toEqual([
          {
            ipBlock: [{ cidr: "172.17.0.0/16" }],
            ips: [
              { ipFamily: "IPv4", prefix: "10.1.0.100/32" },
              { ipFamily: "IPv4", prefix: "10.1.0.2/32" },
            ],
            networkPolicyPorts: [{ protocol: "TCP", port: 5432 }],
          },
        ]);
        expect(rule.egressRule).toEqual([
          { ipBlock: [{ cidr: "10.0.0.0/24" }], networkPolicyPorts: [{ protocol: "TCP", port: 8080 }] },
        ]);
        expect(rule.priority).toBe(1000);
        expect(rule.networkRef?.name).toBe(network.metadata.uid);
      },
      { timeoutMs: 20_000 },
    );
    const apinetPolicy = await env.apinet.get<ApinetNetworkPolicyObject>(
      apinetRefs.NetworkPolicy,
      testNamespace,
      uid,
    );
    expect(apinetPolicy.spec).toMatchObject({
      networkRef: { name: network.metadata.uid },
      networkInterfaceSelector: { matchLabels: { app: "db" } },
      priority: 1000,
      policyTypes: ["Egress", "Ingress"],
    });

    // The web NIC loses its label (on the ironcore side): it is no longer a peer.
    await env.ironcore.patch(ironcoreRefs.NetworkInterface, ns, "web", {
      metadata: { labels: { app: null } },
    });
    await eventually(async () => {
      const rule = await env.apinet.get<ApinetNetworkPolicyRuleObject>(
        apinetRefs.NetworkPolicyRule,
        testNamespace,
        uid,
      );
      expect(rule.ingressRule?.[0]?.ips).toEqual([{ ipFamily: "IPv4", prefix: "10.1.0.100/32" }]);
    });
    // ... and gets one on the apinet side (as a provider propagates labels): a peer again.
    await env.apinet.patch(apinetRefs.NetworkInterface, testNamespace, webAttached.apinetNIC.metadata.name!, {
      metadata: { labels: { app: "web" } },
    });
    await eventually(async () => {
      const rule = await env.apinet.get<ApinetNetworkPolicyRuleObject>(
        apinetRefs.NetworkPolicyRule,
        testNamespace,
        uid,
      );
      expect(rule.ingressRule?.[0]?.ips).toHaveLength(2);
    });
    // A new db NIC becomes Ready: a new target, with no change to the policy itself.
    const db2 = await env.ironcore.create<NetworkInterfaceObject>(
      nicObject("db2", "my-network", "10.1.0.3", { app: "db" }),
    );
    const db2Attached = await attach(db2, network, "10.1.0.3");
    await reportReady(db2Attached.apinetNIC);
    await eventually(async () => {
      const rule = await env.apinet.get<ApinetNetworkPolicyRuleObject>(
        apinetRefs.NetworkPolicyRule,
        testNamespace,
        uid,
      );
      expect(rule.targets?.map((t) => t.ip)).toEqual(["10.1.0.1", "10.1.0.3"]);
    });
  });

  it("turns the ironcore LoadBalancerRouting into an apinet one with nodes from the provider IDs", async () => {
    const lb = await env.ironcore.create<LoadBalancerObject>({
      apiVersion: "networking.ironcore.dev/v1alpha1",
      kind: "LoadBalancer",
      metadata: { namespace: ns, name: "web-public" },
      spec: {
        type: "Public",
        ipFamilies: ["IPv4"],
        networkRef: { name: "my-network" },
        networkInterfaceSelector: { matchLabels: { app: "db" } },
        ports: [{ port: 5432 }],
      },
    });
    const dbNIC = await env.ironcore.get<NetworkInterfaceObject>(ironcoreRefs.NetworkInterface, ns, "db");
    await eventually(
      async () => {
        const routing = await env.apinet.get<ApinetLoadBalancerRoutingObject>(
          apinetRefs.LoadBalancerRouting,
          testNamespace,
          lb.metadata.uid!,
        );
        expect(routing.destinations).toContainEqual({
          ip: "10.1.0.1",
          targetRef: {
            uid: dbNIC.spec!.providerID!.split("/").at(-1),
            name: `nic-${dbNIC.metadata.uid}`,
            nodeRef: { name: node },
          },
        });
        expect(routing.destinations).toHaveLength(2);
        expect(routing.metadata.ownerReferences?.[0]).toMatchObject({
          kind: "LoadBalancer",
          controller: true,
        });
      },
      { timeoutMs: 20_000 },
    );
  });
});

describe("clean-up", () => {
  it("deleting the ironcore objects leaves no apinet object behind", async () => {
    const kinds = [
      ironcoreRefs.NetworkPolicy,
      ironcoreRefs.LoadBalancer,
      ironcoreRefs.NATGateway,
      ironcoreRefs.NetworkInterface,
      ironcoreRefs.VirtualIP,
      ironcoreRefs.Network,
    ];
    expect((await listApinetObjects(env.apinet, testNamespace)).length).toBeGreaterThan(0);
    for (const ref of kinds) {
      const { items } = await env.ironcore.list<ApiObject>(ref, { namespace: ns });
      for (const item of items) await env.ironcore.delete(ref, ns, item.metadata.name!);
    }
    await eventually(
      async () => {
        for (const ref of kinds) {
          const { items } = await env.ironcore.list<ApiObject>(ref, { namespace: ns });
          expect(items.map((i) => keyOf(i.metadata.namespace, i.metadata.name!))).toEqual([]);
        }
      },
      { timeoutMs: 20_000 },
    );
    // The provider's apinet NICs remain (apinetlet only releases them); they are the provider's
    // to delete. Everything apinetlet created is gone.
    await eventually(
      async () => {
        const left = await listApinetObjects(env.apinet, testNamespace);
        expect(left.filter((o) => !o.startsWith("NetworkInterface/"))).toEqual([]);
        const { items } = await env.apinet.list<ApinetNetworkInterfaceObject>(apinetRefs.NetworkInterface, {
          namespace: testNamespace,
        });
        for (const nic of items)
          expect(nic.metadata.labels?.[originUIDLabel("networkinterface")]).toBeUndefined();
      },
      { timeoutMs: 20_000 },
    );
  });

  it("deletes, at start, apinet objects whose ironcore object vanished while apinetlet was down", async () => {
    await env.apinetlet!.stop();
    const ghost = { metadata: { namespace: ns, name: "ghost", uid: "0d6f1bbf-0000-4000-8000-000000000001" } };
    const originOf = (kind: "network" | "virtualip") => ({
      labels: originLabels(kind, ghost),
      annotations: { [`apinetlet.ironcore.dev/${kind}-name`]: "ghost" },
    });
    await env.apinet.create({
      apiVersion: apinetApiVersion,
      kind: "Network",
      metadata: { namespace: testNamespace, name: ghost.metadata.uid, ...originOf("network") },
      spec: {},
    });
    await env.apinet.create({
      apiVersion: apinetApiVersion,
      kind: "IP",
      metadata: { namespace: testNamespace, name: ghost.metadata.uid, ...originOf("virtualip") },
      spec: { type: "Public", ipFamily: "IPv4" },
    });
    expect(await listApinetObjects(env.apinet, testNamespace)).toEqual(
      expect.arrayContaining([`IP/${ghost.metadata.uid}`, `Network/${ghost.metadata.uid}`]),
    );
    env.apinetlet = await env.startApinetlet();
    await eventually(
      async () => {
        const left = await listApinetObjects(env.apinet, testNamespace);
        expect(left.filter((o) => !o.startsWith("NetworkInterface/"))).toEqual([]);
      },
      { timeoutMs: 20_000 },
    );
  });
});
