/**
 * Two apinetlet replicas on one Redis lease: only one reconciles at a time; when it goes, the
 * other takes over and carries on.
 */
import { eventually, redisService } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApinetlet } from "./apinetlet.js";
import { type ApinetNetworkObject, apinetRefs, ironcoreRefs, type NetworkObject } from "./kinds.js";
import { type Environment, startEnvironment, testNamespace } from "./testEnvironment.js";

const redis = await redisService();
const ns = "leader";

describe.skipIf(!redis)("leader election (Redis)", () => {
  let env: Environment;
  let replicas: RunningApinetlet[];

  beforeAll(async () => {
    env = await startEnvironment({ redisUrl: redis!.url, apinetlet: false });
    // A lease key of its own: the apinet namespace names the lease.
    const namespace = `${testNamespace}-leader-${Math.random().toString(36).slice(2, 8)}`;
    env.namespace = namespace;
    replicas = await Promise.all(
      [0, 1].map(() => env.startApinetlet({ namespace, redisUrl: redis!.url, leaseTtlMs: 1500 })),
    );
  });

  afterAll(async () => {
    await env?.stop();
  });

  async function available(name: string): Promise<NetworkObject> {
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

  it("one replica leads; the other takes over when it stops", async () => {
    await eventually(() => expect(replicas.filter((r) => r.isLeader())).toHaveLength(1), {
      timeoutMs: 10_000,
    });
    await available("first");
    const leader = replicas.find((r) => r.isLeader())!;
    const follower = replicas.find((r) => !r.isLeader())!;
    await leader.stop();
    await eventually(() => expect(follower.isLeader()).toBe(true), { timeoutMs: 10_000 });
    const second = await available("second");
    const { items } = await env.apinet.list<ApinetNetworkObject>(apinetRefs.Network, {
      namespace: env.namespace,
    });
    expect(items.map((i) => i.metadata.name).sort()).toEqual(
      [
        (await env.ironcore.get<NetworkObject>(ironcoreRefs.Network, ns, "first")).metadata.uid,
        second.metadata.uid,
      ].sort(),
    );
  });
});
