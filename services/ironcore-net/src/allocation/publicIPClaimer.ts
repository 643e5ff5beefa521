/**
 * Claimer-side public IP handling (reference ironcore-net.md section 3) for the kinds that hold
 * public IPs: NetworkInterface `spec.publicIPs`, NATGateway `spec.ips`, Public LoadBalancer
 * `spec.ips`. Runs in the API server around the claimer's writes, as upstream's registry does:
 *  - entry with ip: the IP object of that address in the claimer's namespace is claimed
 *    (spec.claimRef set under optimistic locking);
 *  - entry without ip: an IP `<claimer>-xxxxx` is created for it (claimRef + controlled by the
 *    claimer) and its address written into the entry;
 *  - release (entry removed, claimer deleted, write failed): a controlled IP is deleted (which
 *    frees its address), a merely claimed one (a VirtualIP's) gets claimRef cleared.
 */
import {
  type ApiObject,
  errors,
  type FieldError,
  type FieldPath,
  isApiError,
  nowTimestamp,
} from "@ironcore-ts/apimachinery";
import type { AdmissionContext, KindAdmission } from "@ironcore-ts/apiserver";
import type { ObjectClient } from "@ironcore-ts/client";
import { annotations, apinetApiVersion, apinetGroup, apinetRefs } from "../apinet.js";
import { type IPObject, ipSelector } from "../kinds/ip.js";
import type { IPEntry } from "../kinds/publicIPEntries.js";
import { ageMs, apinetControllerRef, type Claims, claimedAt } from "./claims.js";

export interface ClaimerKind<T extends ApiObject> {
  kind: "NetworkInterface" | "NATGateway" | "LoadBalancer";
  resource: string;
  /** Path of the entry list, for error messages (`spec.publicIPs`). */
  path: FieldPath;
  /** The entry list of the object (the object's own array, changed in place). */
  entries(obj: T): IPEntry[] | undefined;
  /** The family of an entry (NATGateway: spec.ipFamily). */
  familyOf(obj: T, entry: IPEntry): string | undefined;
  /** Whether this object holds public IPs at all (LoadBalancer: only type Public). */
  holdsPublicIPs(obj: T): boolean;
}

interface Held {
  family: string;
  ip: string;
}

const conflictRetries = 5;

function isControlledBy(ip: ApiObject, uid: string): boolean {
  if (ip.metadata.annotations?.[annotations.controlledBy] === uid) return true;
  return (ip.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);
}

export class PublicIPClaimer<T extends ApiObject> {
  constructor(
    private readonly claimer: ClaimerKind<T>,
    private readonly claims: () => Claims,
  ) {}

  private held(obj: T): Held[] {
    if (!this.claimer.holdsPublicIPs(obj)) return [];
    return (this.claimer.entries(obj) ?? []).flatMap((e) => {
      const family = this.claimer.familyOf(obj, e);
      return e.ip && family ? [{ family, ip: e.ip }] : [];
    });
  }

  private subject(obj: T) {
    return { kind: this.claimer.kind, group: apinetGroup, name: obj.metadata.name ?? "" };
  }

  private claimRefOf(obj: T) {
    return {
      group: apinetGroup,
      resource: this.claimer.resource,
      name: obj.metadata.name ?? "",
      uid: obj.metadata.uid ?? "",
    };
  }

  private async findIP(client: ObjectClient, namespace: string | undefined, held: Held): Promise<IPObject[]> {
    const list = await client.list<IPObject>(apinetRefs.IP, {
      namespace,
      labelSelector: ipSelector(held.family, held.ip),
    });
    return list.items.filter((i) => i.spec?.ip === held.ip);
  }

  /**
   * Claims the existing IP object of an address. Returns a FieldError when it cannot, true when
   * this call claimed it, false when the claimer held it already.
   */
  private async claimExisting(
    client: ObjectClient,
    obj: T,
    held: Held,
    path: FieldPath,
  ): Promise<FieldError | boolean> {
    const uid = obj.metadata.uid ?? "";
    for (let attempt = 0; ; attempt++) {
      const [ip] = await this.findIP(client, obj.metadata.namespace, held);
      if (!ip) {
        return path.invalid(
          held.ip,
          `provided IP was not found: no IP object of address ${held.ip} in namespace ${obj.metadata.namespace}`,
        );
      }
      const ref = ip.spec?.claimRef;
      if (ref?.uid === uid) return false;
      // A claimRef whose claimer is gone (a crash between write and release) does not block.
      const stale =
        ref !== undefined &&
        ageMs(claimedAt(ip)) >= this.claims().gracePeriodMs &&
        (await this.claims().claimerState(ref, ip.metadata.namespace)) === "gone";
      if (ref && !stale) {
        return path.invalid(
          held.ip,
          `provided IP is already allocated (claimed by ${ref.resource} ${ref.name})`,
        );
      }
      try {
        await client.patch(apinetRefs.IP, ip.metadata.namespace, ip.metadata.name ?? "", {
          metadata: {
            resourceVersion: ip.metadata.resourceVersion ?? null,
            annotations: { [annotations.claimedAt]: nowTimestamp() },
          },
          spec: { claimRef: this.claimRefOf(obj) },
        });
        return true;
      } catch (err) {
        if (!isApiError(err, "Conflict") || attempt >= conflictRetries) throw err;
      }
    }
  }

  /** Creates an IP for the claimer and returns its address. */
  private async createIP(
    client: ObjectClient,
    obj: T,
    family: string,
    claimerStored: boolean,
  ): Promise<string> {
    const { name = "", uid = "", namespace } = obj.metadata;
    const ip: IPObject = {
      apiVersion: apinetApiVersion,
      kind: "IP",
      metadata: {
        namespace,
        // IP names are DNS labels: 57 + "-" + the 5 generated characters stay within 63.
        generateName: `${name.slice(0, 57)}-`,
        annotations: { [annotations.controlledBy]: uid, [annotations.claimedAt]: nowTimestamp() },
        // Before the claimer is stored the owner reference must wait: the garbage collector
        // would see an owner that does not exist yet and delete the IP. The ipclaim controller
        // adds it once the claimer exists; until then the controlled-by annotation says the same.
        ...(claimerStored ? { ownerReferences: [apinetControllerRef(this.claimer.kind, name, uid)] } : {}),
      },
      spec: { type: "Public", ipFamily: family, claimRef: this.claimRefOf(obj) },
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await client.create(ip);
        return created.spec?.ip ?? "";
      } catch (err) {
        // A generated name that happened to exist: generate another.
        if (!isApiError(err, "AlreadyExists") || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Claims or allocates every entry of `obj` whose address `alreadyHeld` does not contain.
   * All or nothing: on any failure what this call acquired is released before it throws.
   */
  async acquire(obj: T, ctx: AdmissionContext, alreadyHeld: ReadonlySet<string>, claimerStored: boolean) {
    if (!this.claimer.holdsPublicIPs(obj)) return;
    const acquired: Held[] = [];
    const errs: FieldError[] = [];
    try {
      for (const [i, entry] of (this.claimer.entries(obj) ?? []).entries()) {
        const family = this.claimer.familyOf(obj, entry);
        if (!family || (entry.ip && alreadyHeld.has(entry.ip))) continue;
        const path = this.claimer.path.index(i).child("ip");
        if (entry.ip) {
          const result = await this.claimExisting(ctx.client, obj, { family, ip: entry.ip }, path);
          if (typeof result === "object") errs.push(result);
          else if (result) acquired.push({ family, ip: entry.ip });
        } else {
          entry.ip = await this.createIP(ctx.client, obj, family, claimerStored);
          acquired.push({ family, ip: entry.ip });
        }
      }
      if (errs.length > 0) throw errors.invalid(this.subject(obj), errs);
    } catch (err) {
      await this.release(obj, ctx, acquired);
      throw err;
    }
  }

  /** Releases the given addresses if this claimer holds them. */
  async release(obj: T, ctx: AdmissionContext, held: readonly Held[]): Promise<void> {
    const uid = obj.metadata.uid ?? "";
    for (const h of held) {
      for (let attempt = 0; ; attempt++) {
        const ips = await this.findIP(ctx.client, obj.metadata.namespace, h);
        const ip = ips.find((i) => i.spec?.claimRef?.uid === uid);
        if (!ip) break;
        const { namespace, name = "", resourceVersion = null } = ip.metadata;
        try {
          if (isControlledBy(ip, uid)) {
            await ctx.client.delete(apinetRefs.IP, namespace, name, {
              resourceVersion: resourceVersion ?? "",
            });
          } else {
            await ctx.client.patch(apinetRefs.IP, namespace, name, {
              metadata: { resourceVersion, annotations: { [annotations.claimedAt]: null } },
              spec: { claimRef: null },
            });
          }
          break;
        } catch (err) {
          if (isApiError(err, "NotFound")) break;
          if (!isApiError(err, "Conflict") || attempt >= conflictRetries) throw err;
        }
      }
    }
  }

  /**
   * Entries re-sent without their address (a full update or apply that does not know what the
   * server allocated) keep the address their name had: entries merge by name, as upstream's
   * `patchMergeKey: name`.
   */
  private carryOver(obj: T, old: T): void {
    const before = new Map((this.claimer.entries(old) ?? []).map((e) => [e.name, e]));
    for (const e of this.claimer.entries(obj) ?? []) {
      const was = before.get(e.name);
      if (e.ip || !was?.ip) continue;
      if (this.claimer.familyOf(obj, e) === this.claimer.familyOf(old, was)) e.ip = was.ip;
    }
  }

  private addresses(obj: T): Set<string> {
    return new Set(this.held(obj).map((h) => h.ip));
  }

  admission(): KindAdmission<T> {
    return {
      beforeCreate: (obj, ctx) => this.acquire(obj, ctx, new Set(), false),
      onCreateFailed: (obj, ctx) => this.release(obj, ctx, this.held(obj)),
      beforeUpdate: async (obj, old, ctx) => {
        this.carryOver(obj, old);
        await this.acquire(obj, ctx, this.addresses(old), true);
      },
      onUpdateFailed: (obj, old, ctx) => {
        const before = this.addresses(old);
        return this.release(
          obj,
          ctx,
          this.held(obj).filter((h) => !before.has(h.ip)),
        );
      },
      afterUpdate: (obj, old, ctx) => {
        const now = this.addresses(obj);
        return this.release(
          old,
          ctx,
          this.held(old).filter((h) => !now.has(h.ip)),
        );
      },
      afterDelete: (obj, ctx) => this.release(obj, ctx, this.held(obj)),
    };
  }
}
