/**
 * Everything the admission hooks allocate with, bound to one API server's in-process client
 * and its claim caches.
 */
import type { ObjectClient } from "@ironcore-ts/client";
import type { ResolvedConfig } from "../config.js";
import { Claims } from "./claims.js";
import { IPAddressAllocator } from "./ipAddresses.js";
import { type NameCache, NetworkIDAllocator } from "./networkIDs.js";

export interface AllocationCaches {
  networkIDs: NameCache;
  ipAddresses: NameCache;
}

export class Allocation {
  readonly claims: Claims;
  readonly networkIDs: NetworkIDAllocator;
  readonly ipAddresses: IPAddressAllocator;

  constructor(client: ObjectClient, config: ResolvedConfig, caches: AllocationCaches) {
    this.claims = new Claims(client, config.claimGracePeriodMs);
    this.networkIDs = new NetworkIDAllocator(
      client,
      this.claims,
      caches.networkIDs,
      config.minVNI,
      config.maxVNI,
    );
    this.ipAddresses = new IPAddressAllocator(client, this.claims, caches.ipAddresses, config.pools);
  }
}
