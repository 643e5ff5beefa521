import { describe, expect, it } from "vitest";
import type { LoadBalancerObject, PrefixObject } from "./kinds.js";
import { desiredDestinations, desiredLoadBalancerIPs, instanceTemplate } from "./loadBalancerReconciler.js";

const lb = (spec: LoadBalancerObject["spec"]): LoadBalancerObject => ({
  metadata: { namespace: "default", name: "lb", uid: "lb-uid" },
  spec,
});

describe("load balancer", () => {
  it("asks for one public IP per family and keeps addresses already allocated", () => {
    const public2 = lb({ type: "Public", ipFamilies: ["IPv4", "IPv6"] });
    expect(desiredLoadBalancerIPs(public2, undefined, () => undefined)).toEqual([
      { name: "ipv4", ipFamily: "IPv4" },
      { name: "ipv6", ipFamily: "IPv6" },
    ]);
    expect(
      desiredLoadBalancerIPs(
        public2,
        [{ name: "ipv4", ipFamily: "IPv4", ip: "198.51.100.7" }],
        () => undefined,
      ),
    ).toEqual([
      { name: "ipv4", ipFamily: "IPv4", ip: "198.51.100.7" },
      { name: "ipv6", ipFamily: "IPv6" },
    ]);
  });

  it("takes internal IPs from literals and Allocated ephemeral prefixes it controls", () => {
    const prefix: PrefixObject = {
      metadata: {
        namespace: "default",
        name: "lb-1",
        ownerReferences: [
          {
            apiVersion: "networking.ironcore.dev/v1alpha1",
            kind: "LoadBalancer",
            name: "lb",
            uid: "lb-uid",
            controller: true,
          },
        ],
      },
      spec: { prefix: "10.0.0.9/32" },
      status: { phase: "Allocated" },
    };
    const internal = lb({
      type: "Internal",
      ipFamilies: ["IPv4", "IPv4", "IPv4"],
      ips: [
        { value: "10.0.0.5" },
        { ephemeral: { prefixTemplate: {} } },
        { ephemeral: { prefixTemplate: {} } },
      ],
    });
    expect(
      desiredLoadBalancerIPs(internal, undefined, (k) => (k === "default/lb-1" ? prefix : undefined)),
    ).toEqual([
      { name: "ip-0", ipFamily: "IPv4", ip: "10.0.0.5" },
      { name: "ip-1", ipFamily: "IPv4", ip: "10.0.0.9" },
    ]);
  });

  it("parses destination nodes from provider IDs", () => {
    expect(
      desiredDestinations({
        metadata: { name: "lb" },
        destinations: [
          {
            ip: "10.0.0.1",
            targetRef: {
              name: "nic",
              uid: "u",
              providerID: "ironcore-net://ns/apinic/local.node1/apinic-uid",
            },
          },
          { ip: "10.0.0.2", targetRef: { name: "nic2", uid: "u2", providerID: "" } },
          { name: "seed-form", uid: "no-ip" },
        ],
      }),
    ).toEqual([
      { ip: "10.0.0.1", targetRef: { uid: "apinic-uid", name: "apinic", nodeRef: { name: "local.node1" } } },
      { ip: "10.0.0.2" },
    ]);
  });

  it("spreads instances over zones and, node-affinity aware, pins them to the destinations' nodes", () => {
    const destinations = [
      { ip: "10.0.0.1", targetRef: { uid: "a", name: "a", nodeRef: { name: "n2" } } },
      { ip: "10.0.0.2", targetRef: { uid: "b", name: "b", nodeRef: { name: "n1" } } },
    ];
    const plain = instanceTemplate(lb({ type: "Public" }), destinations, false);
    expect(
      plain.spec?.affinity?.instanceAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]
        ?.topologyKey,
    ).toBe("topology.core.apinet.ironcore.dev/zone");
    expect(plain.spec?.affinity?.nodeAffinity).toBeUndefined();
    const aware = instanceTemplate(lb({ type: "Public" }), destinations, true);
    expect(
      aware.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.map(
        (t) => t.matchFields?.[0]?.values?.[0],
      ),
    ).toEqual(["n1", "n2"]);
  });
});
