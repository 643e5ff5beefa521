/**
 * natgateway (upstream NATGatewayReconciler): gives every NetworkInterface a NAT gateway serves
 * a port slice of one of the gateway's public IPs, and records it in the NATTable `<gw>`.
 * Reference: ironcore-net.md section 4.
 *
 * A NIC is eligible for a gateway when it is in the gateway's network (and namespace), has an
 * internal IP of the gateway's family, has no public IP of that family and is not being deleted.
 * Per reconcile:
 * 1. slices already recorded in the NATTable are kept (only slot-aligned ones on IPs the gateway
 *    still has, and only for NICs this gateway still claims and serves);
 * 2. claimed NICs that lost eligibility are released (their `spec.natGateways` entry removed);
 * 3. claimed NICs without a slice get the next free slot; if none is left they are released;
 * 4. unclaimed eligible NICs get the next free slot and are claimed by appending
 *    `{ipFamily, claimRef {name, uid}}` to `spec.natGateways` under optimistic concurrency (a NIC
 *    another gateway claimed first is skipped);
 * 5. the NATTable is written (controller reference -> gateway, IPs by address, sections by port),
 *    then `status.usedNATIPs` (slots in use) and `status.requestedNATIPs` (NICs asking for one).
 */
import {
  controllerReference,
  isApiError,
  isControlledBy,
  isDeleting,
  objectKey,
} from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject, enqueueOwner } from "@ironcore-ts/controller";
import type { NetworkInterfaceNATJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import { canonicalIP, ipFamilyOf, parseIP } from "@ironcore-ts/ipam";
import type { Logger } from "pino";
import { apinetApiVersion, apinetRefs } from "../apinet.js";
import { lowestFreeSlot, type PortRange, slotOfRange, slotPortRange, slotsPerIP } from "../natPortSlices.js";
import {
  failIfAny,
  getIfExists,
  keyOf,
  type NATGatewayObject,
  type NATTableObject,
  type NetworkInterfaceObject,
  requeueOnConflict,
} from "./controllerObjects.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { indexes } from "./networkInformers.js";

/** How many NIC claims run at once: enough to claim hundreds of NICs quickly, few enough to be polite. */
const claimConcurrency = 16;
/** Conflicting writes to one NIC before giving up this round (the key is retried with back-off). */
const nicWriteAttempts = 5;

/** The NIC's internal IP of a family, if any. */
export function internalIPOf(nic: NetworkInterfaceObject, family: string): string | undefined {
  return (nic.spec?.ips ?? []).find((ip) => ipFamilyOf(ip) === family);
}

/** Whether the NIC has a public IP of a family (family written, or derived from the address). */
export function hasPublicIPOf(nic: NetworkInterfaceObject, family: string): boolean {
  return (nic.spec?.publicIPs ?? []).some(
    (p) => (p.ipFamily || (p.ip ? ipFamilyOf(p.ip) : undefined)) === family,
  );
}

/** The NIC's NAT entry of a family (there is at most one per family). */
export function natEntryOf(nic: NetworkInterfaceObject, family: string): NetworkInterfaceNATJson | undefined {
  return (nic.spec?.natGateways ?? []).find((nat) => nat.ipFamily === family);
}

/** Whether a gateway may serve a NIC: same network and namespace, an internal IP of its family, no public IP of it. */
export function isEligibleForNAT(nic: NetworkInterfaceObject, gw: NATGatewayObject): boolean {
  const family = gw.spec?.ipFamily ?? "";
  return (
    nic.metadata.namespace === gw.metadata.namespace &&
    nic.spec?.networkRef?.name === gw.spec?.networkRef?.name &&
    internalIPOf(nic, family) !== undefined &&
    !hasPublicIPOf(nic, family) &&
    !isDeleting(nic)
  );
}

function claimsGateway(nat: NetworkInterfaceNATJson | undefined, gw: NATGatewayObject): boolean {
  return nat?.claimRef?.name === gw.metadata.name && nat?.claimRef?.uid === gw.metadata.uid;
}

/** Older NICs first (name breaks ties): when slots are short, the NICs that waited longest get them. */
function byAge(a: NetworkInterfaceObject, b: NetworkInterfaceObject): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

function compareIPs(a: string, b: string): number {
  const pa = parseIP(a);
  const pb = parseIP(b);
  if (!pa || !pb) return a.localeCompare(b);
  if (pa.family !== pb.family) return pa.family === "IPv4" ? -1 : 1;
  return pa.value < pb.value ? -1 : pa.value > pb.value ? 1 : 0;
}

export interface SlotAssignment {
  ip: string;
  slot: number;
}

/**
 * The free and used slots of a gateway's public IPs. The next free slot is the lowest free slot
 * of the first IP (in `spec.ips` order) that has one: upstream leaves the IP choice arbitrary;
 * packing the first IPs full keeps the last ones empty, which is what lets the autoscaler give
 * back IPs from the end of `spec.ips` when demand falls.
 */
export class SlotPool {
  private readonly used = new Map<string, Set<number>>();
  readonly slotsPerIP: number;

  constructor(
    ips: readonly string[],
    private readonly portsPerNetworkInterface: number,
  ) {
    this.slotsPerIP = slotsPerIP(portsPerNetworkInterface);
    for (const ip of ips) if (!this.used.has(ip)) this.used.set(ip, new Set());
  }

  /** Reserves a given slot; false if the IP is not the gateway's or the slot is taken. */
  take(ip: string, slot: number): boolean {
    const used = this.used.get(ip);
    if (!used || slot < 0 || slot >= this.slotsPerIP || used.has(slot)) return false;
    used.add(slot);
    return true;
  }

  /** Reserves the next free slot, or undefined when every slot of every IP is taken. */
  next(): SlotAssignment | undefined {
    for (const [ip, used] of this.used) {
      if (used.size >= this.slotsPerIP) continue;
      const slot = lowestFreeSlot(used, this.portsPerNetworkInterface);
      if (slot === undefined) continue;
      used.add(slot);
      return { ip, slot };
    }
    return undefined;
  }

  free({ ip, slot }: SlotAssignment): void {
    this.used.get(ip)?.delete(slot);
  }

  get usedSlots(): number {
    let n = 0;
    for (const used of this.used.values()) n += used.size;
    return n;
  }

  get ips(): string[] {
    return [...this.used.keys()];
  }

  range(slot: number): PortRange {
    return slotPortRange(slot, this.portsPerNetworkInterface);
  }
}

/**
 * The slices a NATTable records for NICs (by uid), when the table belongs to this gateway: only
 * slot-aligned sections on IPs the gateway still has, first one per NIC and per slot.
 */
export function recordedSlots(
  table: NATTableObject | undefined,
  gw: NATGatewayObject,
  ppn: number,
): Map<string, SlotAssignment> {
  const recorded = new Map<string, SlotAssignment>();
  // A table left by an earlier gateway of the same name (uid differs) describes nobody we serve.
  if (!table || !isControlledBy(table, gw)) return recorded;
  const gwIPs = new Set((gw.spec?.ips ?? []).map((e) => (e.ip ? (canonicalIP(e.ip) ?? e.ip) : "")));
  const seen = new Set<string>();
  for (const natIP of table.ips ?? []) {
    const ip = natIP.ip ? (canonicalIP(natIP.ip) ?? natIP.ip) : "";
    if (!gwIPs.has(ip)) continue;
    for (const section of natIP.sections ?? []) {
      const uid = section.targetRef?.uid;
      if (!uid || recorded.has(uid)) continue;
      const slot = slotOfRange({ port: section.port ?? 0, endPort: section.endPort ?? 0 }, ppn);
      if (slot === undefined || seen.has(`${ip}/${slot}`)) continue;
      seen.add(`${ip}/${slot}`);
      recorded.set(uid, { ip, slot });
    }
  }
  return recorded;
}

/** The NATTable a gateway should have for these served NICs. */
export function desiredNATTable(
  gw: NATGatewayObject,
  pool: SlotPool,
  served: ReadonlyArray<{ nic: NetworkInterfaceObject; assignment: SlotAssignment }>,
): NATTableObject {
  const family = gw.spec?.ipFamily ?? "";
  const byIP = new Map<string, Array<{ ip: string; port: number; endPort: number; targetRef: object }>>();
  for (const ip of pool.ips) byIP.set(ip, []);
  for (const { nic, assignment } of served) {
    const range = pool.range(assignment.slot);
    byIP.get(assignment.ip)?.push({
      ip: internalIPOf(nic, family)!,
      port: range.port,
      endPort: range.endPort,
      // Built without undefined members: the table goes to the server as is (no JSON round trip
      // of thousands of sections), and the in-process client refuses undefined values.
      targetRef: nic.spec?.nodeRef?.name
        ? { uid: nic.metadata.uid!, name: nic.metadata.name!, nodeRef: { name: nic.spec.nodeRef.name } }
        : { uid: nic.metadata.uid!, name: nic.metadata.name! },
    });
  }
  return {
    apiVersion: apinetApiVersion,
    kind: "NATTable",
    metadata: {
      namespace: gw.metadata.namespace,
      name: gw.metadata.name,
      ownerReferences: [controllerReference(gw)],
    },
    ips: [...byIP.entries()]
      .sort(([a], [b]) => compareIPs(a, b))
      .map(([ip, sections]) => ({ ip, sections: sections.sort((a, b) => a.port - b.port) })),
  } as NATTableObject;
}

/**
 * Whether two tables record the same slices. Compares the fields the table consists of directly:
 * this runs on every reconcile, over up to thousands of sections, and a schema round trip of
 * both tables would cost more than the rest of the reconcile.
 */
export function sameNATEntries(a: NATTableObject, b: NATTableObject): boolean {
  const flat = (t: NATTableObject) =>
    JSON.stringify(
      (t.ips ?? []).map((natIP) => [
        natIP.ip ?? "",
        (natIP.sections ?? []).map((s) => [
          s.ip ?? "",
          s.port ?? 0,
          s.endPort ?? 0,
          s.targetRef?.uid ?? "",
          s.targetRef?.name ?? "",
          s.targetRef?.nodeRef?.name ?? "",
        ]),
      ]),
    );
  return flat(a) === flat(b);
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type ClaimOutcome = "claimed" | "skipped";

export function natGatewayReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;

  /**
   * Appends this gateway's claim to the NIC under optimistic concurrency (the write carries the
   * resourceVersion the decision was made on). On a conflict the NIC is read again and the
   * decision retaken: claimed by us meanwhile (our own earlier write, seen late by the cache) is
   * success; claimed by another gateway, or no longer eligible, is "skipped".
   */
  async function claim(gw: NATGatewayObject, cached: NetworkInterfaceObject): Promise<ClaimOutcome> {
    const family = gw.spec?.ipFamily ?? "";
    let nic: NetworkInterfaceObject | undefined = cached;
    for (let attempt = 0; attempt < nicWriteAttempts; attempt++) {
      if (!nic || !isEligibleForNAT(nic, gw)) return "skipped";
      const existing = natEntryOf(nic, family);
      if (existing) return claimsGateway(existing, gw) ? "claimed" : "skipped";
      try {
        await client.patch(apinetRefs.NetworkInterface, nic.metadata.namespace, nic.metadata.name!, {
          metadata: { resourceVersion: nic.metadata.resourceVersion! },
          spec: {
            natGateways: [
              ...(nic.spec?.natGateways ?? []),
              { ipFamily: family, claimRef: { name: gw.metadata.name!, uid: gw.metadata.uid! } },
            ],
          },
        });
        return "claimed";
      } catch (err) {
        if (isApiError(err, "NotFound")) return "skipped";
        if (!isApiError(err, "Conflict")) throw err;
        nic = await getIfExists(
          client.get<NetworkInterfaceObject>(
            apinetRefs.NetworkInterface,
            nic.metadata.namespace,
            nic.metadata.name!,
          ),
        );
      }
    }
    throw new Error(`NetworkInterface ${objectKey(cached.metadata)}: claim kept conflicting`);
  }

  /**
   * Removes this gateway's entry from the NIC. (quirk) Upstream's release helper computes its
   * patch against the already-modified object, so the patch is likely empty and the entry stays;
   * here the entry really goes, under optimistic concurrency.
   */
  async function release(gw: NATGatewayObject, cached: NetworkInterfaceObject): Promise<void> {
    const family = gw.spec?.ipFamily ?? "";
    let nic: NetworkInterfaceObject | undefined = cached;
    for (let attempt = 0; attempt < nicWriteAttempts; attempt++) {
      if (!nic) return;
      const entries = nic.spec?.natGateways ?? [];
      const kept = entries.filter((nat) => !(nat.ipFamily === family && claimsGateway(nat, gw)));
      if (kept.length === entries.length) return;
      try {
        await client.patch(apinetRefs.NetworkInterface, nic.metadata.namespace, nic.metadata.name!, {
          metadata: { resourceVersion: nic.metadata.resourceVersion! },
          spec: { natGateways: kept },
        });
        return;
      } catch (err) {
        if (isApiError(err, "NotFound")) return;
        if (!isApiError(err, "Conflict")) throw err;
        nic = await getIfExists(
          client.get<NetworkInterfaceObject>(
            apinetRefs.NetworkInterface,
            nic.metadata.namespace,
            nic.metadata.name!,
          ),
        );
      }
    }
    throw new Error(`NetworkInterface ${objectKey(cached.metadata)}: release kept conflicting`);
  }

  /**
   * Writes the table: a create, or an update of the table just read (carrying its
   * resourceVersion, so a concurrent writer makes this a conflict and the key is looked at again).
   * An update keeps what others put on the table (labels, annotations, finalizers) and is much
   * cheaper than a three-way apply for tables of thousands of sections.
   */
  async function writeTable(current: NATTableObject | undefined, desired: NATTableObject): Promise<void> {
    if (!current) {
      await client.create(desired);
      return;
    }
    await client.update({
      ...current,
      metadata: { ...current.metadata, ownerReferences: desired.metadata.ownerReferences },
      ips: desired.ips,
    });
  }

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const gw = informers.natGateways.get(key);
    if (!gw) {
      // The table goes with its gateway (controller reference + garbage collection); NICs still
      // claiming it are released by the networkinterface-nat-release controller.
      return;
    }
    if (isDeleting(gw)) return;
    const family = gw.spec?.ipFamily ?? "";
    const ppn = gw.spec?.portsPerNetworkInterface ?? 0;
    if (ppn <= 0 || !family || !gw.spec?.networkRef?.name) {
      log.warn({ portsPerNetworkInterface: ppn, ipFamily: family }, "gateway spec incomplete; not serving");
      return;
    }
    const ips = (gw.spec.ips ?? []).flatMap((e) => (e.ip ? [canonicalIP(e.ip) ?? e.ip] : []));
    const pool = new SlotPool(ips, ppn);

    // Read the table fresh: it is this controller's own memory of who has which slot, and a
    // cache lagging behind our last write would hand a NIC a different slot than the one it uses.
    const table = await getIfExists(
      client.get<NATTableObject>(apinetRefs.NATTable, gw.metadata.namespace, gw.metadata.name!),
    );
    const recorded = recordedSlots(table, gw, ppn);

    const nics = informers.networkInterfaces
      .byIndex(indexes.network, keyOf(gw.metadata.namespace, gw.spec.networkRef.name))
      .sort(byAge);
    const served: Array<{ nic: NetworkInterfaceObject; assignment: SlotAssignment }> = [];
    const needSlot: NetworkInterfaceObject[] = [];
    const unclaimed: NetworkInterfaceObject[] = [];
    const toRelease: NetworkInterfaceObject[] = [];
    let requested = 0;
    for (const nic of nics) {
      const eligible = isEligibleForNAT(nic, gw);
      const nat = natEntryOf(nic, family);
      if (nat) {
        if (!claimsGateway(nat, gw)) continue; // another gateway's (or a stale claim the release controller drops)
        if (!eligible) {
          toRelease.push(nic);
          continue;
        }
        requested++;
        const kept = recorded.get(nic.metadata.uid!);
        if (kept && pool.take(kept.ip, kept.slot)) served.push({ nic, assignment: kept });
        else needSlot.push(nic);
      } else if (eligible) {
        requested++;
        unclaimed.push(nic);
      }
    }

    for (const nic of needSlot) {
      const assignment = pool.next();
      if (assignment) served.push({ nic, assignment });
      else toRelease.push(nic); // no slot left: let another gateway (or a later slot) serve it
    }

    const errors: unknown[] = [];
    // Reserve slots before claiming, so claims can run in parallel without handing out a slot twice.
    const claims: Array<{ nic: NetworkInterfaceObject; assignment: SlotAssignment }> = [];
    for (const nic of unclaimed) {
      const earlier = recorded.get(nic.metadata.uid!);
      if (earlier && pool.take(earlier.ip, earlier.slot)) {
        claims.push({ nic, assignment: earlier });
        continue;
      }
      const assignment = pool.next();
      if (!assignment) break; // full: the rest stay unclaimed and show up in requestedNATIPs
      claims.push({ nic, assignment });
    }
    let claimed = 0;
    await forEachLimited(claims, claimConcurrency, async (c) => {
      try {
        if ((await claim(gw, c.nic)) === "claimed") {
          served.push(c);
          claimed++;
          return;
        }
      } catch (err) {
        errors.push(err);
      }
      pool.free(c.assignment);
    });
    let released = 0;
    await forEachLimited(toRelease, claimConcurrency, async (nic) => {
      try {
        await release(gw, nic);
        released++;
      } catch (err) {
        errors.push(err);
      }
    });

    // The table first, then the status: whoever reads the status (the autoscaler) then finds a
    // table at least as new.
    const desired = desiredNATTable(gw, pool, served);
    const upToDate = table !== undefined && isControlledBy(table, gw) && sameNATEntries(table, desired);
    if (!upToDate) await writeTable(table, desired);

    const status = { usedNATIPs: pool.usedSlots, requestedNATIPs: requested };
    if (
      (gw.status?.usedNATIPs ?? 0) !== status.usedNATIPs ||
      (gw.status?.requestedNATIPs ?? 0) !== status.requestedNATIPs
    ) {
      await client.patch(
        apinetRefs.NATGateway,
        gw.metadata.namespace,
        gw.metadata.name!,
        { status },
        { status: true },
      );
    }
    if (claimed > 0 || released > 0 || !upToDate) {
      log.info(
        { ...status, claimed, released, ips: ips.length, slotsPerIP: pool.slotsPerIP },
        "NAT table updated",
      );
    }
    failIfAny(errors, `NATGateway ${key}`);
  }

  /** Gateways a NIC event may concern: those it claims, and, if it lacks NAT and a public IP of a family, every gateway of that family in its network. */
  const gatewaysOfNIC = (nic: NetworkInterfaceObject): string[] => {
    const keys = new Set<string>();
    for (const nat of nic.spec?.natGateways ?? []) {
      if (nat.claimRef?.name) keys.add(keyOf(nic.metadata.namespace, nat.claimRef.name));
    }
    const network = nic.spec?.networkRef?.name;
    if (!network) return [...keys];
    const families = new Set<string>();
    for (const ip of nic.spec?.ips ?? []) {
      const family = ipFamilyOf(ip);
      if (family && !hasPublicIPOf(nic, family) && !natEntryOf(nic, family)) families.add(family);
    }
    if (families.size === 0) return [...keys];
    for (const gw of informers.natGateways.byIndex(indexes.network, keyOf(nic.metadata.namespace, network))) {
      if (families.has(gw.spec?.ipFamily ?? "")) keys.add(objectKey(gw.metadata));
    }
    return [...keys];
  };

  return new Controller({
    name: "natgateway",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(reconcile),
  })
    .watch(informers.natGateways, enqueueObject())
    .watch(informers.natTables, enqueueOwner("NATGateway", apinetApiVersion))
    .watch(informers.networkInterfaces, enqueueMapped(gatewaysOfNIC));
}
