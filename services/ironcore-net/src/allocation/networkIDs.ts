/**
 * VNI allocation (reference ironcore-net.md section 2): a Network's ID is held by the
 * cluster-scoped NetworkID named after it.
 */
import type { ObjectClient } from "@ironcore-ts/client";
import { apinetApiVersion, apinetGroup, apinetRefs, resources } from "../apinet.js";
import type { NetworkIDObject } from "../kinds/networkId.js";
import type { Claims } from "./claims.js";
import { allocateFromRanges } from "./rangeAllocation.js";

export interface NameCache {
  /** Whether a claim of that name is known (cache of the claim kind; may lag behind). */
  has(name: string): boolean;
}

export interface NetworkClaimer {
  namespace: string;
  name: string;
  uid: string;
}

export class NetworkIDAllocator {
  constructor(
    private readonly client: ObjectClient,
    private readonly claims: Claims,
    private readonly cache: NameCache,
    readonly min: number,
    readonly max: number,
  ) {}

  inRange(vni: number): boolean {
    return vni >= this.min && vni <= this.max;
  }

  private claimObject(vni: bigint | number, network: NetworkClaimer): NetworkIDObject {
    return {
      apiVersion: apinetApiVersion,
      kind: "NetworkID",
      metadata: { name: String(vni) },
      spec: {
        claimRef: {
          group: apinetGroup,
          resource: resources.networks,
          namespace: network.namespace,
          name: network.name,
          uid: network.uid,
        },
      },
    };
  }

  /** Claims a given VNI; the holder's NetworkID if it is taken. */
  async claim(vni: number, network: NetworkClaimer): Promise<NetworkIDObject | undefined> {
    const result = await this.claims.create(this.claimObject(vni, network), apinetRefs.NetworkID);
    return "taken" in result ? result.taken : undefined;
  }

  /** Claims a free VNI of [min, max]; undefined when all are allocated. */
  async allocate(network: NetworkClaimer): Promise<number | undefined> {
    const vni = await allocateFromRanges({
      ranges: [{ first: BigInt(this.min), last: BigInt(this.max) }],
      nameOf: (v) => String(v),
      knownTaken: (name) => this.cache.has(name),
      listTaken: async () => {
        const list = await this.client.list(apinetRefs.NetworkID);
        return new Set(list.items.map((i) => i.metadata.name ?? ""));
      },
      tryClaim: async (v) => {
        const result = await this.claims.create(this.claimObject(v, network), apinetRefs.NetworkID, {
          reclaimOrphan: false,
        });
        return "created" in result;
      },
    });
    return vni === undefined ? undefined : Number(vni);
  }

  /** Releases the VNI if `uid` (a Network) holds it. */
  release(vni: string, uid: string): Promise<void> {
    return this.claims.release(apinetRefs.NetworkID, undefined, vni, uid);
  }
}
