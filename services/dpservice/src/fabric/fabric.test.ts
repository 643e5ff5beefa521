import { parseIpv6 } from "@ironcore-ts/packet";
import { describe, expect, it } from "vitest";
import { FabricTransport } from "./fabricTransport.js";
import { KvUnderlayRegistry, MemoryKv } from "./kvUnderlayRegistry.js";
import { MemoryUnderlayRegistry } from "./memoryUnderlayRegistry.js";
import { parseFabricPeers } from "./underlayRegistry.js";

describe("underlay registries", () => {
  it("parses static peers", () => {
    const peers = parseFabricPeers("fc00:2::/64=127.0.0.1:6002, fc00:ffff::1=127.0.0.1:6100");
    const reg = new MemoryUnderlayRegistry(peers);
    expect(reg.lookup(parseIpv6("fc00:2::d000:0:0:5")!, 0)).toEqual({ host: "127.0.0.1", port: 6002 });
    expect(reg.lookup(parseIpv6("fc00:3::1")!, 0)).toBeUndefined();
    expect(
      reg
        .list()
        .map((e) => e.prefix)
        .sort(),
    ).toEqual(["fc00:2::/64", "fc00:ffff::/64"]);
    expect(() => parseFabricPeers("fc00:2::/64=127.0.0.1")).toThrow(/bad fabric peer/);
  });

  it("shares /64 -> endpoint over a KV bucket, so nodes joining later are found", async () => {
    const kv = new MemoryKv();
    const a = await KvUnderlayRegistry.open(kv);
    await a.announce(parseIpv6("fc00:1::1")!, { host: "127.0.0.1", port: 7001 });
    const b = await KvUnderlayRegistry.open(kv); // joins later: sees a
    expect(b.lookup(parseIpv6("fc00:1::d000:0:0:9")!, 0)).toEqual({ host: "127.0.0.1", port: 7001 });
    await b.announce(parseIpv6("fc00:2::1")!, { host: "127.0.0.1", port: 7002 });
    expect(a.lookup(parseIpv6("fc00:2::7")!, 0)?.port).toBe(7002);
    await b.withdraw(parseIpv6("fc00:2::1")!);
    expect(a.lookup(parseIpv6("fc00:2::7")!, 0)).toBeUndefined();
    await a.close();
    await b.close();
  });
});

describe("fabric transport", () => {
  it("sends each outer packet as one datagram to the owner of its /64, itself included", async () => {
    const registry = new MemoryUnderlayRegistry();
    const t1 = await FabricTransport.start({
      host: "127.0.0.1",
      port: 0,
      registry,
      prefix: parseIpv6("fc00:1::1")!,
    });
    const t2 = await FabricTransport.start({
      host: "127.0.0.1",
      port: 0,
      registry,
      prefix: parseIpv6("fc00:2::1")!,
    });
    const got: { at: string; first: number }[] = [];
    t1.onPacket = (p) => got.push({ at: "t1", first: p[0]! });
    t2.onPacket = (p) => got.push({ at: "t2", first: p[0]! });
    const packet = (dst: string) => {
      const b = new Uint8Array(60);
      b[0] = 0x60;
      b.set(parseIpv6(dst)!, 24);
      return b;
    };
    expect(t1.send(packet("fc00:2::5"), 0, 60)).toBe(true);
    expect(t1.send(packet("fc00:1::5"), 0, 60)).toBe(true);
    expect(t1.send(packet("fc00:9::5"), 0, 60)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((g) => g.at).sort()).toEqual(["t1", "t2"]);
    await t1.close();
    await t2.close();
    expect(registry.list()).toHaveLength(0);
  });
});
