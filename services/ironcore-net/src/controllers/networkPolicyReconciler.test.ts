import { controllerReference } from "@ironcore-ts/apimachinery";
import { eventually } from "@ironcore-ts/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apinetApiVersion, apinetRefs } from "../apinet.js";
import type { NetworkPolicyObject, NetworkPolicyRuleObject } from "./controllerObjects.js";
import {
  type ControllersTestEnv,
  controllersSettled,
  list,
  startControllersTestEnv,
  testNamespace,
} from "./networkControllersTestEnv.js";

function policy(name: string): NetworkPolicyObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "NetworkPolicy",
    metadata: { namespace: testNamespace, name },
    spec: {
      networkRef: { name: "net" },
      networkInterfaceSelector: { matchLabels: { app: "web" } },
      priority: 1000,
    },
  };
}

function rule(of: NetworkPolicyObject, withOwner: boolean): NetworkPolicyRuleObject {
  return {
    apiVersion: apinetApiVersion,
    kind: "NetworkPolicyRule",
    metadata: {
      namespace: testNamespace,
      name: of.metadata.name,
      ...(withOwner ? { ownerReferences: [controllerReference(of)] } : {}),
    },
    networkRef: { name: "net", uid: "3c0e2a5e-0000-4000-8000-000000000001" },
    targets: [{ ip: "10.0.0.1", targetRef: { name: "nic", uid: "3c0e2a5e-0000-4000-8000-000000000002" } }],
    priority: 1000,
  };
}

describe("network policy controller", () => {
  let env: ControllersTestEnv;
  beforeEach(async () => {
    env = await startControllersTestEnv();
  });
  afterEach(async () => {
    await env.stop();
  });

  it("deletes the rule of a deleted policy, with or without an owner reference, and leaves other rules alone", async () => {
    const { client } = env;
    const owned = await client.create(policy("owned"));
    const plain = await client.create(policy("plain"));
    const kept = await client.create(policy("kept"));
    await client.create(rule(owned, true));
    await client.create(rule(plain, false));
    await client.create(rule(kept, false));
    await controllersSettled(env);
    // While their policies exist, rules stay.
    expect((await list(client, apinetRefs.NetworkPolicyRule)).map((r) => r.metadata.name).sort()).toEqual([
      "kept",
      "owned",
      "plain",
    ]);

    await client.delete(apinetRefs.NetworkPolicy, testNamespace, "owned");
    await client.delete(apinetRefs.NetworkPolicy, testNamespace, "plain");
    await eventually(async () => {
      expect((await list(client, apinetRefs.NetworkPolicyRule)).map((r) => r.metadata.name)).toEqual([
        "kept",
      ]);
    });
  });

  it("deletes a rule left behind by a policy that is already gone", async () => {
    const { client } = env;
    const gone = await client.create(policy("gone"));
    await client.delete(apinetRefs.NetworkPolicy, testNamespace, "gone");
    await client.create(rule(gone, false));
    await eventually(async () => expect(await list(client, apinetRefs.NetworkPolicyRule)).toEqual([]));
  });
});
