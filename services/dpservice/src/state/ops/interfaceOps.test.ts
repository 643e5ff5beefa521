import { parseIpv6 } from "@ironcore-ts/packet";
import { describe, expect, it } from "vitest";
import { DataplaneState } from "../dataplaneState.js";
import { ipv4Addr, normalizePrefix } from "../ipAddr.js";
import type { StateEvent } from "../stateEvents.js";
import { DpError, StatusCode } from "../statusCode.js";
import { createInterface, deleteInterface } from "./interfaceOps.js";
import { createNat } from "./natOps.js";
import { createLoadBalancerPrefix, createPrefix } from "./prefixOps.js";
import { createVip } from "./vipOps.js";

function newState(options: { maxUnderlays?: number } = {}) {
  return new DataplaneState({
    hostUnderlay: parseIpv6("fc00:1::1")!,
    vfNames: ["0000:3b:00.2", "0000:3b:00.3"],
    staticUnderlays: true,
    ...options,
  });
}

const vm = { id: "vm1", vni: 100, ipv4: 0x0a000001, deviceName: "0000:3b:00.2" };

describe("createInterface", () => {
  it("fills the interface, underlay and route tables", () => {
    const state = newState();
    const iface = createInterface(state, vm);
    expect(iface.underlay.text).toBe("fc00:1::d000:1:0:1");
    expect(state.underlays.get(iface.underlay.key)).toEqual({
      type: "INTERFACE_IP",
      underlay: iface.underlay,
      vni: 100,
      iface,
    });
    expect(state.vfs.find("0000:3b:00.2")?.iface).toBe(iface);
    expect(state.vnis.lookupV4(100, 0x0a000001)?.value).toEqual({
      kind: "local",
      iface,
      source: "interface",
    });
    expect(state.vnis.get(100)?.users).toBe(1);
  });

  it("rolls back the underlay when the VNI limit is hit", () => {
    const state = new DataplaneState({
      hostUnderlay: parseIpv6("fc00:1::1")!,
      vfNames: ["a", "b"],
      maxVnis: 1,
    });
    createInterface(state, { ...vm, deviceName: "a" });
    expect(() => createInterface(state, { ...vm, id: "vm2", vni: 200, deviceName: "b" })).toThrow(
      new DpError(StatusCode.VNI_INIT4),
    );
    expect(state.underlays.size).toBe(1);
    expect(state.vfs.find("b")?.iface).toBeUndefined();
  });

  it("reports VNF_INSERT when the underlay table is full", () => {
    const state = newState({ maxUnderlays: 1 });
    createInterface(state, vm);
    expect(() => createInterface(state, { ...vm, id: "vm2", vni: 200, deviceName: "0000:3b:00.3" })).toThrow(
      new DpError(StatusCode.VNF_INSERT),
    );
  });
});

describe("deleteInterface", () => {
  it("removes everything attached and tells the pipeline", () => {
    const state = newState();
    const events: StateEvent["type"][] = [];
    state.events.subscribe((e) => events.push(e.type));
    const iface = createInterface(state, vm);
    createPrefix(state, "vm1", normalizePrefix(ipv4Addr(0xc0a80000), 24));
    createLoadBalancerPrefix(state, "vm1", normalizePrefix(ipv4Addr(0x01020304), 32));
    createVip(state, "vm1", ipv4Addr(0x2d560601));
    createNat(state, "vm1", { ip: ipv4Addr(0x2d560602), minPort: 100, maxPort: 200 });
    expect(state.underlays.size).toBe(5);
    events.length = 0;

    deleteInterface(state, "vm1");

    expect(state.underlays.size).toBe(0);
    expect(state.interfaces.size).toBe(0);
    expect(state.vnis.has(100)).toBe(false);
    expect(state.dnat.lookup(100, 0x2d560601)).toBeUndefined();
    expect(state.dnat.lookup(100, 0x2d560602)).toBeUndefined();
    expect(state.vfs.find("0000:3b:00.2")?.iface).toBeUndefined();
    expect(iface.vip).toBeUndefined();
    expect(events).toEqual([
      "vip-deleted",
      "nat-deleted",
      "routes-changed",
      "routes-changed",
      "interface-deleted",
    ]);
  });
});
