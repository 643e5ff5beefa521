import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { PrefixObject } from "../kinds/prefix.js";
import {
  childPrefix,
  find,
  ns,
  reconcileEverything,
  refs,
  rootPrefix,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

describe("prefix allocation (ipam)", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const get = (name: string) => find<PrefixObject>(test.client, refs.Prefix, ns, name);

  for (const [family, root, halves] of [
    ["IPv4", "10.0.0.0/8", ["10.0.0.0/9", "10.128.0.0/9"]],
    ["IPv6", "2000::/8", ["2000::/9", "2080::/9"]],
  ] as const) {
    it(`config/samples/e2e ipam-${family.toLowerCase()}: two /9 children by parentSelector get the halves of the root`, async () => {
      const suffix = family.toLowerCase();
      await test.client.create(rootPrefix(`root-${suffix}`, root, { "subnet-type": `public-${suffix}` }));
      for (const i of [1, 2]) {
        await test.client.create(
          childPrefix(`customer-subnet-${suffix}-${i}`, {
            ipFamily: family,
            prefixLength: 9,
            parentSelector: { matchLabels: { "subnet-type": `public-${suffix}` } },
          }),
        );
      }
      const [c1, c2, r] = await eventually(async () => {
        const children = [await get(`customer-subnet-${suffix}-1`), await get(`customer-subnet-${suffix}-2`)];
        for (const c of children) expect(c?.status?.phase).toBe("Allocated");
        const rootNow = await get(`root-${suffix}`);
        expect(rootNow?.status?.used).toHaveLength(2);
        return [children[0]!, children[1]!, rootNow!];
      });
      expect([c1.spec?.prefix, c2.spec?.prefix].sort()).toEqual([...halves].sort());
      expect(c1.spec?.parentRef).toEqual({ name: `root-${suffix}` });
      expect(c1.status?.lastPhaseTransitionTime).toBeDefined();
      expect(r.status?.phase).toBe("Allocated");
      expect(r.status?.lastPhaseTransitionTime).toBeDefined();
      expect(r.status?.used).toEqual([...halves]);
    });
  }

  it("leaves a child Pending while the parent is full, and allocates it when a sibling goes", async () => {
    await test.client.create(
      childPrefix("third", { ipFamily: "IPv4", prefixLength: 9, parentRef: { name: "root-ipv4" } }),
    );
    await settled(test.client);
    const pending = await get("third");
    expect(pending?.status?.phase ?? "Pending").toBe("Pending");
    expect(pending?.spec?.prefix).toBeUndefined();

    const freed = (await get("customer-subnet-ipv4-2"))!.spec!.prefix;
    await test.client.delete(refs.Prefix, ns, "customer-subnet-ipv4-2");
    await eventually(async () => {
      const third = await get("third");
      expect(third?.status?.phase).toBe("Allocated");
      expect(third?.spec?.prefix).toBe(freed);
      expect((await get("root-ipv4"))?.status?.used).toEqual(["10.0.0.0/9", "10.128.0.0/9"]);
    });
  });

  it("gives a child the literal block it asks for if free, and keeps a taken one Pending", async () => {
    await test.client.create(rootPrefix("pool", "192.168.0.0/16"));
    await test.client.create(
      childPrefix("wants-10", { ipFamily: "IPv4", prefix: "192.168.10.0/24", parentRef: { name: "pool" } }),
    );
    await eventually(async () => expect((await get("wants-10"))?.status?.phase).toBe("Allocated"));
    await test.client.create(
      childPrefix("also-wants-10", {
        ipFamily: "IPv4",
        prefix: "192.168.10.128/25",
        parentRef: { name: "pool" },
      }),
    );
    await test.client.create(
      childPrefix("any-24", { ipFamily: "IPv4", prefixLength: 24, parentRef: { name: "pool" } }),
    );
    await eventually(async () => expect((await get("any-24"))?.spec?.prefix).toBe("192.168.0.0/24"));
    await settled(test.client);
    expect((await get("also-wants-10"))?.status?.phase ?? "Pending").toBe("Pending");
    expect((await get("pool"))?.status?.used).toEqual(["192.168.0.0/24", "192.168.10.0/24"]);
  });

  it("allocates ephemeral NIC IPs (Prefix <nic>-<i>) from their parent", async () => {
    await test.client.create(rootPrefix("nic-ips", "10.50.0.0/24"));
    await test.client.create<NetworkInterfaceObject>({
      apiVersion: refs.NetworkInterface.apiVersion,
      kind: refs.NetworkInterface.kind,
      metadata: { namespace: ns, name: "eph" },
      spec: {
        networkRef: { name: "network-sample" },
        ipFamilies: ["IPv4"],
        ips: [{ ephemeral: { prefixTemplate: { spec: { parentRef: { name: "nic-ips" } } } } }],
      },
    });
    await eventually(async () => {
      const ip = await get("eph-0");
      expect(ip?.spec?.prefix).toBe("10.50.0.0/32");
      expect(ip?.status?.phase).toBe("Allocated");
    });
  });

  it("is idempotent: reconciling everything again writes nothing", async () => {
    const before = await settled(test.client);
    await reconcileEverything(test);
    expect(await settled(test.client)).toBe(before);
  });
});
