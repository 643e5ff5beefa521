import { type ApiObject, errors, GrpcCode } from "@ironcore-ts/apimachinery";
import { NetworkSchema } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { MemoryStore } from "@ironcore-ts/store";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ApiServer } from "./apiServer.js";
import type { KindDefinition } from "./kindDefinition.js";

function networkKind(events: string[], refuse: Set<string>): KindDefinition {
  return {
    group: "networking.ironcore.dev",
    version: "v1alpha1",
    kind: "Network",
    plural: "networks",
    singular: "network",
    namespaced: true,
    hasStatus: true,
    schema: NetworkSchema,
    admission: {
      beforeCreate: async (obj) => {
        if (refuse.has(obj.metadata.name!)) throw errors.exhausted("no IDs left");
        events.push(`allocate ${obj.metadata.name}`);
        (obj.spec as { providerID?: string }).providerID = `allocated-${obj.metadata.name}`;
      },
      onCreateFailed: async (obj) => {
        events.push(`release ${obj.metadata.name}`);
      },
      afterDelete: async (obj) => {
        events.push(`deleted ${obj.metadata.name}`);
      },
    },
  };
}

const doc = (name: string): ApiObject => ({
  apiVersion: "networking.ironcore.dev/v1alpha1",
  kind: "Network",
  metadata: { name },
  spec: {},
});

describe("admission hooks", () => {
  it("allocate before a create, release when storing fails, refuse with their error, and see deletes", async () => {
    const events: string[] = [];
    const store = new MemoryStore();
    const server = new ApiServer({
      store,
      kinds: [networkKind(events, new Set(["full"]))],
      logger: pino({ level: "silent" }),
    });
    const networks = server.api("Network");

    const created = await networks.create(doc("a"));
    expect(created.spec).toEqual({ providerID: "allocated-a" });

    await expect(networks.create(doc("a"))).rejects.toMatchObject({ code: GrpcCode.ALREADY_EXISTS });
    await expect(networks.create(doc("full"))).rejects.toMatchObject({ code: GrpcCode.RESOURCE_EXHAUSTED });
    expect((await networks.list()).items.map((n) => n.metadata.name)).toEqual(["a"]);

    await networks.delete("default", "a");
    expect(events).toEqual(["allocate a", "allocate a", "release a", "deleted a"]);
    await store.close();
  });
});
