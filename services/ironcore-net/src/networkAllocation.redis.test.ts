import type { ResourceClient } from "@ironcore-ts/client";
import { RedisLease } from "@ironcore-ts/controller";
import { RedisStore } from "@ironcore-ts/store";
import { redisService, uniquePrefix } from "@ironcore-ts/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apinetRefs } from "./apinet.js";
import type { RunningIronCoreNet } from "./server.js";
import { countAll, network, publicIP, specOf, startTestNet } from "./testSupport.js";

const redis = await redisService();

describe.skipIf(!redis)("two ironcore-net replicas on one Redis keyspace", () => {
  const prefix = uniquePrefix("ironcore-net");
  const stores: RedisStore[] = [];
  const servers: RunningIronCoreNet[] = [];
  const clients: ResourceClient[] = [];
  let leaseRedis: Redis;

  beforeAll(async () => {
    leaseRedis = new Redis(redis!.url);
    for (let i = 0; i < 2; i++) {
      const store = new RedisStore({ url: redis!.url, keyPrefix: prefix });
      stores.push(store);
      const lease = new RedisLease({ redis: leaseRedis, key: `${prefix}leader:controllers`, ttlMs: 2000 });
      const { net, client } = await startTestNet({ publicPrefixes: ["198.51.100.0/28"] }, { store, lease });
      servers.push(net);
      clients.push(client);
    }
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const s of stores) await s.close();
    leaseRedis.disconnect();
    await redis!.stop();
  });

  it("hands 500 Networks created concurrently through both replicas 500 distinct VNIs", async () => {
    const created = await Promise.all(
      Array.from({ length: 500 }, (_, i) => clients[i % 2]!.create(network(`net-${i}`))),
    );
    const ids = created.map((n) => Number(specOf(n).id));
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) expect(id >= 200 && id <= 16777215).toBe(true);
    expect((await clients[0]!.list(apinetRefs.NetworkID)).items).toHaveLength(500);

    await Promise.all(
      created.map((n, i) => clients[i % 2]!.delete(apinetRefs.Network, "default", n.metadata.name ?? "")),
    );
    expect((await clients[1]!.list(apinetRefs.NetworkID)).items).toEqual([]);
  });

  it("never hands one public address out twice across replicas (/28 pool: 14 addresses, 40 requests)", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => clients[i % 2]!.create(publicIP(`ip-${i}`, { ipFamily: "IPv4" }))),
    );
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [specOf(r.value).ip] : []));
    expect(ok).toHaveLength(14);
    expect(new Set(ok).size).toBe(14);
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toMatchObject({ message: "all IP addresses of family IPv4 are already allocated" });
      }
    }
    const ips = await clients[0]!.list(apinetRefs.IP);
    await Promise.all(
      ips.items.map((ip) => clients[1]!.delete(apinetRefs.IP, "default", ip.metadata.name ?? "")),
    );
    expect(await countAll(clients[0]!)).toEqual({});
  });
});
