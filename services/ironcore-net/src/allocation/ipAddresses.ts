/**
 * Public address allocation (reference ironcore-net.md section 3): an IP's address is held by
 * the cluster-scoped IPAddress named after it.
 */
import type { ObjectClient } from "@ironcore-ts/client";
import { formatIP, type IPFamily, type ParsedIP } from "@ironcore-ts/ipam";
import { apinetApiVersion, apinetGroup, apinetRefs, resources } from "../apinet.js";
import type { IPAddressObject } from "../kinds/ipAddress.js";
import type { Claims } from "./claims.js";
import type { NameCache } from "./networkIDs.js";
import type { PublicIPPools } from "./publicIPPools.js";
import { allocateFromRanges } from "./rangeAllocation.js";

export interface IPClaimer {
  namespace: string;
  name: string;
  uid: string;
}

export class IPAddressAllocator {
  constructor(
    private readonly client: ObjectClient,
    private readonly claims: Claims,
    private readonly cache: NameCache,
    readonly pools: PublicIPPools,
  ) {}

  private claimObject(ip: string, owner: IPClaimer): IPAddressObject {
    return {
      apiVersion: apinetApiVersion,
      kind: "IPAddress",
      metadata: { name: ip },
      spec: {
        ip,
        claimRef: {
          group: apinetGroup,
          resource: resources.ips,
          namespace: owner.namespace,
          name: owner.name,
          uid: owner.uid,
        },
      },
    };
  }

  /** Claims a given address; the holder's IPAddress if it is taken. */
  async claim(ip: ParsedIP, owner: IPClaimer): Promise<IPAddressObject | undefined> {
    const result = await this.claims.create(this.claimObject(formatIP(ip), owner), apinetRefs.IPAddress);
    return "taken" in result ? result.taken : undefined;
  }

  /** Claims a free address of the family's prefixes (in configured order); undefined if full. */
  async allocate(family: IPFamily, owner: IPClaimer): Promise<string | undefined> {
    const nameOf = (v: bigint) => formatIP({ family, value: v });
    const value = await allocateFromRanges({
      ranges: this.pools.ranges(family),
      nameOf,
      knownTaken: (name) => this.cache.has(name),
      listTaken: async () => {
        const list = await this.client.list(apinetRefs.IPAddress);
        return new Set(list.items.map((i) => i.metadata.name ?? ""));
      },
      tryClaim: async (v) => {
        const result = await this.claims.create(this.claimObject(nameOf(v), owner), apinetRefs.IPAddress, {
          reclaimOrphan: false,
        });
        return "created" in result;
      },
    });
    return value === undefined ? undefined : nameOf(value);
  }

  /** Releases the address if `uid` (an IP) holds it. */
  release(ip: string, uid: string): Promise<void> {
    return this.claims.release(apinetRefs.IPAddress, undefined, ip, uid);
  }
}
