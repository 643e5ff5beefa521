import { describe, expect, it } from "vitest";
import { KindResolver, kindLabel, notFoundMessage, objectLabel, resourceLabel } from "./kindResolver.js";
import { testKinds } from "./testSupport.js";

const kinds = new KindResolver(testKinds);

describe("KindResolver", () => {
  it("resolves every short name, plural, singular and kind name, in any case", () => {
    for (const k of testKinds) {
      for (const name of [
        ...k.shortNames,
        k.plural,
        k.singular,
        k.kind,
        k.kind.toUpperCase(),
        k.plural.toUpperCase(),
      ]) {
        expect(kinds.resolve(name).kind, name).toBe(k.kind);
      }
    }
  });

  it.each([
    ["net", "Network"],
    ["nic", "NetworkInterface"],
    ["vip", "VirtualIP"],
    ["ngw", "NATGateway"],
    ["lb", "LoadBalancer"],
    ["lbr", "LoadBalancerRouting"],
    ["lbrt", "LoadBalancerRouting"],
    ["netpol", "NetworkPolicy"],
    ["ma", "Machine"],
    ["mc", "MachineClass"],
    ["mp", "MachinePool"],
    ["prefixes", "Prefix"],
  ])("%s is %s", (name, kind) => {
    expect(kinds.resolve(name).kind).toBe(kind);
  });

  it("accepts kind.group and plural.version.group", () => {
    expect(kinds.resolve("nic.networking.ironcore.dev").kind).toBe("NetworkInterface");
    expect(kinds.resolve("Network.networking.ironcore.dev").kind).toBe("Network");
    expect(kinds.resolve("networks.v1alpha1.networking.ironcore.dev").kind).toBe("Network");
    expect(kinds.find("nic.compute.ironcore.dev")).toBeUndefined();
  });

  it("says when the server has no such type", () => {
    expect(() => kinds.resolve("pods")).toThrow('the server doesn\'t have a resource type "pods"');
  });

  it("matches documents by exact apiVersion and kind", () => {
    expect(kinds.forDocument("networking.ironcore.dev/v1alpha1", "Network")?.plural).toBe("networks");
    expect(kinds.forDocument("v1", "Secret")).toBeUndefined();
    expect(kinds.forDocument("networking.ironcore.dev/v1beta1", "Network")).toBeUndefined();
  });

  it("names types the way kubectl prints them", () => {
    const net = kinds.resolve("net");
    expect(kindLabel(net)).toBe("network.networking.ironcore.dev");
    expect(resourceLabel(net)).toBe("networks.networking.ironcore.dev");
    expect(objectLabel(net, "x")).toBe("network.networking.ironcore.dev/x");
    expect(notFoundMessage(net, "x")).toBe('networks.networking.ironcore.dev "x" not found');
  });
});
