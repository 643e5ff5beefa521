/**
 * Public IP pool exhaustion: 1,000 VirtualIPs against a /24. 254 get an address (the network
 * and broadcast addresses are not handed out), the other 746 report Allocated=False/PoolExhausted;
 * deleting 10 allocated ones lets 10 waiting ones through - by themselves, with no restart.
 */
import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolExhaustedReason } from "./allocation.js";
import { ironcoreRefs, type VirtualIPObject } from "./kinds.js";
import { type Environment, elapsedMs, startEnvironment } from "./testEnvironment.js";

const ns = "exhaustion";
const total = 1000;
const concurrency = 64;

let env: Environment;

beforeAll(async () => {
  env = await startEnvironment({ publicPrefixes: ["198.51.100.0/24"] });
});

afterAll(async () => {
  await env?.stop();
});

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function exhausted(vip: VirtualIPObject): boolean {
  return (vip.status?.conditions ?? []).some(
    (c) => c.type === "Allocated" && c.status === "False" && c.reason === poolExhaustedReason,
  );
}

async function listVIPs(): Promise<VirtualIPObject[]> {
  return (await env.ironcore.list<VirtualIPObject>(ironcoreRefs.VirtualIP, { namespace: ns })).items;
}

describe("public IP pool exhaustion", () => {
  it("254 of 1,000 VirtualIPs get an address, the rest say PoolExhausted, and freed addresses are reused", async () => {
    const start = performance.now();
    const names = Array.from({ length: total }, (_, i) => `vip-${String(i).padStart(4, "0")}`);
    await inParallel(names, concurrency, (name) =>
      env.ironcore.create({
        apiVersion: "networking.ironcore.dev/v1alpha1",
        kind: "VirtualIP",
        metadata: { namespace: ns, name },
        spec: { type: "Public", ipFamily: "IPv4" },
      }),
    );
    console.log(`created 1000 VirtualIPs in ${elapsedMs(start)} ms`);
    const settled = await eventually(
      async () => {
        const vips = await listVIPs();
        const undecided = vips.filter((v) => !v.status?.ip && !exhausted(v));
        expect(undecided.length).toBe(0);
        return vips;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    console.log(`1000 VirtualIPs settled (allocated or PoolExhausted) after ${elapsedMs(start)} ms`);

    const allocated = settled.filter((v) => v.status?.ip);
    const waiting = settled.filter((v) => !v.status?.ip);
    const addresses = allocated.map((v) => v.status!.ip!);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const a of addresses) expect(a).toMatch(/^198\.51\.100\.\d+$/);
    console.log(
      `allocated ${allocated.length}, waiting ${waiting.length}; network/broadcast handed out: ${addresses.filter((a) => a.endsWith(".0") || a.endsWith(".255")).join(", ") || "none"}`,
    );
    for (const v of waiting) {
      const condition = v.status?.conditions?.find((c) => c.type === "Allocated");
      expect(condition).toMatchObject({ status: "False", reason: "PoolExhausted" });
      expect(condition?.message).toBeTruthy();
    }
    for (const v of allocated) {
      expect(v.status?.conditions?.find((c) => c.type === "Allocated")).toMatchObject({ status: "True" });
    }
    // The count: a /24 has 254 usable addresses (network and broadcast excluded).
    expect(addresses).not.toContain("198.51.100.0");
    expect(addresses).not.toContain("198.51.100.255");
    expect(allocated.length).toBe(254);
    expect(waiting.length).toBe(total - 254);

    // Free 10 addresses: 10 waiting VirtualIPs get them, without a restart.
    const freedAt = performance.now();
    const victims = allocated.slice(0, 10);
    await Promise.all(victims.map((v) => env.ironcore.delete(ironcoreRefs.VirtualIP, ns, v.metadata.name!)));
    const recovered = await eventually(
      async () => {
        const vips = await listVIPs();
        const gone = victims.every((victim) => !vips.some((v) => v.metadata.name === victim.metadata.name));
        expect(gone).toBe(true);
        const nowAllocated = vips.filter((v) => v.status?.ip);
        expect(nowAllocated.length).toBe(allocated.length);
        return nowAllocated.filter((v) => waiting.some((w) => w.metadata.name === v.metadata.name));
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    console.log(`10 freed addresses taken by waiting VirtualIPs after ${elapsedMs(freedAt)} ms`);
    expect(recovered).toHaveLength(10);
    for (const v of recovered) {
      expect(v.status?.conditions?.find((c) => c.type === "Allocated")).toMatchObject({ status: "True" });
    }
  }, 240_000);
});
