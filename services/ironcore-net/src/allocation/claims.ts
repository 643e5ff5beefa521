/**
 * Claim objects (NetworkID, IPAddress, NetworkIPClaim): objects whose NAME is the resource they
 * hold. The store creates a name at most once, atomically, whichever API server replica asks,
 * so "create the claim" is the whole allocation protocol: AlreadyExists means taken.
 *
 * Claims are made before their claimer is stored and released after it is gone, by hooks that a
 * crash can skip; the claim garbage collector and the stale-claim check here repair that. Both
 * only treat a claim as orphaned once it is older than the grace period, because a claim whose
 * claimer is not (yet) in the store is normally a create in flight.
 */
import { type ApiObject, isApiError, type OwnerReference } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import { annotations, apinetApiVersion, apinetGroup, apinetRefs, resources } from "../apinet.js";

export interface ClaimRef {
  group?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export type ClaimObject = ApiObject & { spec?: { claimRef?: ClaimRef } };

/** Kinds that claim things, by the resource their claimRefs name. */
const claimerKinds: Record<string, KindRef> = {
  [resources.networks]: apinetRefs.Network,
  [resources.ips]: apinetRefs.IP,
  [resources.networkInterfaces]: apinetRefs.NetworkInterface,
  [resources.natGateways]: apinetRefs.NATGateway,
  [resources.loadBalancers]: apinetRefs.LoadBalancer,
};

/** The kind of the objects a claimRef's resource names (undefined: not an apinet claimer). */
export function claimerKindOf(resource: string | undefined): KindRef | undefined {
  return resource ? claimerKinds[resource] : undefined;
}

export type ClaimerState = "present" | "gone" | "unknown";

/** Milliseconds since an RFC 3339 timestamp (Infinity if absent or unparseable: old enough). */
export function ageMs(timestamp: string | undefined, now = Date.now()): number {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : now - t;
}

/** When an object's claim was made: the claimed-at annotation, else its creation. */
export function claimedAt(obj: ApiObject): string | undefined {
  return obj.metadata.annotations?.[annotations.claimedAt] ?? obj.metadata.creationTimestamp;
}

/** A controller owner reference to an apinet object. */
export function apinetControllerRef(kind: string, name: string, uid: string): OwnerReference {
  return { apiVersion: apinetApiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export class Claims {
  constructor(
    private readonly client: ObjectClient,
    /** See IronCoreNetConfig.claimGracePeriodMs. */
    readonly gracePeriodMs: number,
  ) {}

  /**
   * Whether the object a claimRef names exists with that uid. `namespace` is the claim's own
   * namespace, used when the reference carries none (IP and NetworkIPClaim references).
   */
  async claimerState(ref: ClaimRef | undefined, namespace: string | undefined): Promise<ClaimerState> {
    if (!ref?.name || !ref.uid || !ref.resource) return "unknown";
    if (ref.group && ref.group !== apinetGroup) return "unknown";
    const kind = claimerKinds[ref.resource];
    if (!kind) return "unknown";
    try {
      const claimer = await this.client.get(kind, ref.namespace || namespace, ref.name);
      return claimer.metadata.uid === ref.uid ? "present" : "gone";
    } catch (err) {
      if (isApiError(err, "NotFound")) return "gone";
      throw err;
    }
  }

  /** A claim whose claimer is gone and that is older than the grace period. */
  async isOrphaned(claim: ClaimObject, now = Date.now()): Promise<boolean> {
    if (ageMs(claimedAt(claim), now) < this.gracePeriodMs) return false;
    return (await this.claimerState(claim.spec?.claimRef, claim.metadata.namespace)) === "gone";
  }

  /**
   * Creates the claim. If the name is taken by an orphaned claim, that one is removed and the
   * create tried once more (so an address a crashed request left behind is not lost until the
   * GC runs). Returns the holder's claim when taken (undefined: not read). Allocation walks pass reclaimOrphan false:
   * they simply move on to the next candidate and leave orphans to the GC.
   */
  async create<T extends ClaimObject>(
    claim: T,
    ref: KindRef,
    { reclaimOrphan = true }: { reclaimOrphan?: boolean } = {},
  ): Promise<{ created: T } | { taken: T | undefined }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return { created: await this.client.create(claim) };
      } catch (err) {
        if (!isApiError(err, "AlreadyExists")) throw err;
      }
      // Walks only need "taken"; the holder is not worth a read.
      if (!reclaimOrphan) return { taken: undefined };
      const holder = await this.client
        .get<T>(ref, claim.metadata.namespace, claim.metadata.name ?? "")
        .catch((err: unknown) => {
          if (isApiError(err, "NotFound")) return undefined;
          throw err;
        });
      if (!holder) continue; // released in between: just try again
      if (attempt > 0 || holder.metadata.deletionTimestamp || !(await this.isOrphaned(holder))) {
        return { taken: holder };
      }
      await this.remove(holder, ref);
    }
  }

  /** Deletes the claim if it still names `uid` as its claimer (never someone else's). */
  async release(ref: KindRef, namespace: string | undefined, name: string, uid: string): Promise<void> {
    let claim: ClaimObject;
    try {
      claim = await this.client.get<ClaimObject>(ref, namespace, name);
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    if (claim.spec?.claimRef?.uid !== uid) return;
    await this.remove(claim, ref);
  }

  /**
   * Deletes a claim at the version read (so a claim re-made in between is left alone), then
   * drops its finalizers: the claimer is known to be gone, which is all the IPAddress protection
   * finalizer waits for, and the address must be reusable at once.
   */
  async remove(claim: ClaimObject, ref: KindRef): Promise<void> {
    const { namespace, name = "", resourceVersion } = claim.metadata;
    try {
      let current = claim;
      if (!claim.metadata.deletionTimestamp) {
        current = await this.client.delete<ClaimObject>(ref, namespace, name, { resourceVersion });
      }
      if ((current.metadata.finalizers ?? []).length > 0) {
        await this.client.patch(ref, namespace, name, {
          metadata: { finalizers: null, resourceVersion: current.metadata.resourceVersion ?? null },
        });
      }
    } catch (err) {
      // Gone already, or changed since it was read: either way not ours to remove any more.
      if (isApiError(err, "NotFound") || isApiError(err, "Conflict")) return;
      throw err;
    }
  }
}
