import { GrpcCode } from "@ironcore-ts/apimachinery";
import type { ResourceClient } from "@ironcore-ts/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apinetRefs } from "./apinet.js";
import type { RunningIronCoreNet } from "./server.js";
import { network, specOf, startTestNet } from "./testSupport.js";

describe("VNI allocation (memory store, over gRPC)", () => {
  let net: RunningIronCoreNet;
  let client: ResourceClient;
  beforeAll(async () => {
    ({ net, client } = await startTestNet());
  });
  afterAll(() => net.stop());

  it("gives 500 concurrently created Networks 500 distinct VNIs in range, and frees them on delete", async () => {
    const created = await Promise.all(
      Array.from({ length: 500 }, (_, i) => client.create(network(`net-${i}`))),
    );
    const ids = created.map((n) => Number(specOf(n).id));
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) expect(id >= 200 && id <= 16777215).toBe(true);
    const claims = await client.list(apinetRefs.NetworkID);
    expect(claims.items.map((c) => c.metadata.name).sort()).toEqual(ids.map(String).sort());

    await Promise.all(
      created.map((n) => client.delete(apinetRefs.Network, "default", n.metadata.name ?? "")),
    );
    expect((await client.list(apinetRefs.NetworkID)).items).toEqual([]);
    // A freed VNI can be claimed again at once.
    const again = await client.create(network("reuse", { id: String(ids[0]) }));
    expect(specOf(again).id).toBe(String(ids[0]));
    await client.delete(apinetRefs.Network, "default", "reuse");
  });

  it("claims an explicit ID, and explains a taken, out-of-range or malformed one", async () => {
    const a = await client.create(network("explicit-a", { id: "4711" }));
    expect(specOf(a).id).toBe("4711");
    const claim = await client.get(apinetRefs.NetworkID, undefined, "4711");
    expect(specOf(claim).claimRef).toMatchObject({ name: "explicit-a", uid: a.metadata.uid });

    await expect(client.create(network("explicit-b", { id: "4711" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringContaining("provided ID is already allocated (by Network default/explicit-a)"),
    });
    await expect(client.create(network("explicit-c", { id: "100" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringMatching(/spec\.id.*the provided ID is not in range \[200, 16777215\]/),
    });
    await expect(client.create(network("explicit-d", { id: "x1" }))).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringMatching(/spec\.id.*invalid VNI/),
    });
    // The failed creates left no claim behind and the Network keeps its ID.
    expect((await client.list(apinetRefs.NetworkID)).items.map((c) => c.metadata.name)).toEqual(["4711"]);
    await expect(client.update({ ...a, spec: { id: "4712" } })).rejects.toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      message: expect.stringContaining("spec.id"),
    });
    await client.delete(apinetRefs.Network, "default", "explicit-a");
  });
});

describe("VNI exhaustion", () => {
  let net: RunningIronCoreNet;
  let client: ResourceClient;
  beforeAll(async () => {
    ({ net, client } = await startTestNet({ minVNI: 300, maxVNI: 303 }));
  });
  afterAll(() => net.stop());

  it("refuses with RESOURCE_EXHAUSTED when every VNI is taken and recovers when one is freed", async () => {
    const created = await Promise.all([0, 1, 2, 3].map((i) => client.create(network(`small-${i}`))));
    expect(created.map((n) => specOf(n).id).sort()).toEqual(["300", "301", "302", "303"]);
    await expect(client.create(network("small-4"))).rejects.toMatchObject({
      code: GrpcCode.RESOURCE_EXHAUSTED,
      message: expect.stringContaining("all IDs are allocated"),
    });
    await client.delete(apinetRefs.Network, "default", "small-2");
    const next = await client.create(network("small-4"));
    expect(specOf(next).id).toBe(specOf(created[2]!).id);
  });
});
