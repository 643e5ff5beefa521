/**
 * Network: ironcore Network -> apinet Network `<ironcore uid>` (reference ironcore-net.md
 * section 7, ironcore-api.md sections 1 and 12).
 *
 * - The apinet Network carries the origin metadata and the peerings of `spec.incomingPeerings`
 *   (peers that declared the peering back and are Available, filled in by ironcore-api's
 *   networkpeering controller): `{name: <our peering's name>, id: <peer VNI>, prefixes}`. Its id
 *   (the VNI) is left to ironcore-net to allocate.
 * - Once the VNI is known the ironcore Network gets `spec.providerID =
 *   ironcore-net://<apinet ns>/<apinet name>/<vni>/<apinet uid>` and `status.state = Available`.
 * - `status.peerings[]` has one entry per `spec.peerings[]`: Ready when the peering is in the
 *   apinet Network (so it is mutual, both sides are Available and the peer's apinet Network has
 *   its VNI), with the prefixes routed over it; Pending otherwise (e.g. one-sided).
 *   Upstream copies the per-partition state metalnetlet reports into apinet `status.peerings`;
 *   with no metalnetlet in the picture yet, readiness is decided on the apinet side, and a
 *   partition that does report a state for the peer's VNI still counts: any Error makes the
 *   peering Error, any Pending keeps it Pending.
 * - Finalizer `apinet.ironcore.dev/network`: on deletion the apinet Network is deleted first; the
 *   finalizer goes once it is gone.
 */
import { type ApiObject, isDeleting } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { NetworkPeeringJson as ApinetPeeringJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/network_pb.js";
import type {
  NetworkPeeringJson,
  NetworkPeeringStatusJson,
  PeeringPrefixStatusJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import { formatNetworkProviderID } from "@ironcore-ts/ironcore-net/providerId";
import type { Logger } from "pino";
import { type ApinetletContext, isHandled, latest, latestOrWritten } from "./context.js";
import { indexes } from "./informers.js";
import {
  type ApinetNetworkObject,
  apinetApiVersion,
  apinetRefs,
  finalizers,
  ironcoreRefs,
  type NetworkObject,
  type PrefixObject,
} from "./kinds.js";
import {
  addFinalizer,
  createOrGet,
  deleteObject,
  deleteObjects,
  hasFinalizer,
  jsonEqual,
  keyOf,
  mergePatch,
  patchStatus,
  removeFinalizer,
  requeueOnRace,
} from "./objects.js";
import { originKey, originMetadata, originOf } from "./originMetadata.js";

/** While an apinet object is held by someone else's finalizer, look again this often (events come too). */
export const deletionPollMs = 1000;

/**
 * The prefixes routed over a peering: literal prefixes, and ipam Prefixes (by `prefixRef`) once
 * Allocated. Undefined when the peering names prefixes but none can be resolved yet: upstream
 * skips unresolved ones, which for a peering whose every prefix is still pending yields an
 * empty list - and an empty list means "route everything", the opposite of what was asked.
 * Such a peering is held back (stays Pending) until at least one prefix is known.
 */
export function peeringPrefixes(
  net: NetworkObject,
  peering: NetworkPeeringJson,
  lookupPrefix: (key: string) => PrefixObject | undefined,
): { name: string; prefix: string }[] | undefined {
  const declared = peering.prefixes ?? [];
  const resolved: { name: string; prefix: string }[] = [];
  for (const entry of declared) {
    if (!entry.name) continue;
    if (entry.prefix) {
      resolved.push({ name: entry.name, prefix: entry.prefix });
      continue;
    }
    const ref = entry.prefixRef?.name;
    if (!ref) continue;
    const prefix = lookupPrefix(keyOf(net.metadata.namespace, ref));
    if (prefix?.status?.phase === "Allocated" && prefix.spec?.prefix) {
      resolved.push({ name: entry.name, prefix: prefix.spec.prefix });
    }
  }
  if (declared.length > 0 && resolved.length === 0) return undefined;
  return resolved;
}

/** The `spec.peerings[]` entry of `net` that points at `namespace/name`. */
export function peeringTo(
  net: NetworkObject,
  namespace: string,
  name: string,
): NetworkPeeringJson | undefined {
  return (net.spec?.peerings ?? []).find(
    (p) =>
      p.networkRef?.name === name && (p.networkRef.namespace || net.metadata.namespace || "") === namespace,
  );
}

/**
 * The apinet peerings of `net`: one per incoming peering whose peer has an apinet Network with
 * a VNI. Upstream stops at the first peer it cannot read (quirk): one peer whose apinet Network
 * is not there yet would hold back every other peering; here such a peer is skipped and the
 * others go through (the peer's apinet Network event brings this network back).
 */
export function desiredApinetPeerings(
  net: NetworkObject,
  lookupApinetNetwork: (uid: string) => ApinetNetworkObject | undefined,
  lookupPrefix: (key: string) => PrefixObject | undefined,
): ApinetPeeringJson[] {
  const out: ApinetPeeringJson[] = [];
  for (const claim of net.spec?.incomingPeerings ?? []) {
    if (!claim.uid || !claim.name) continue;
    const peer = lookupApinetNetwork(claim.uid);
    if (!peer?.spec?.id || isDeleting(peer)) continue;
    const peering = peeringTo(net, claim.namespace || net.metadata.namespace || "", claim.name);
    if (!peering?.name) continue;
    const prefixes = peeringPrefixes(net, peering, lookupPrefix);
    if (prefixes === undefined) continue;
    out.push({ name: peering.name, id: peer.spec.id, prefixes: prefixes.length > 0 ? prefixes : undefined });
  }
  return out.sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
}

interface PartitionPeeringState {
  id?: number;
  state?: string;
}

/** What the partitions (metalnetlets) report for the peer with VNI `id`: the worst state, if any. */
function partitionState(apinetNet: ApinetNetworkObject, id: string): string | undefined {
  const states: string[] = [];
  for (const list of Object.values(apinetNet.status?.peerings ?? {})) {
    for (const entry of (Array.isArray(list) ? list : []) as PartitionPeeringState[]) {
      if (entry && String(entry.id) === id && entry.state) states.push(entry.state);
    }
  }
  if (states.includes("Error")) return "Error";
  if (states.includes("Pending")) return "Pending";
  return states.length > 0 ? "Ready" : undefined;
}

/** `status.peerings` of the ironcore Network: one entry per spec peering (see the file comment). */
export function peeringStatuses(
  net: NetworkObject,
  apinetNet: ApinetNetworkObject,
): NetworkPeeringStatusJson[] {
  return (net.spec?.peerings ?? [])
    .filter((p) => p.name)
    .map((p) => {
      const applied = (apinetNet.spec?.peerings ?? []).find((a) => a.name === p.name);
      if (!applied?.id) return { name: p.name, state: "Pending" };
      const state = partitionState(apinetNet, applied.id) ?? "Ready";
      const prefixes: PeeringPrefixStatusJson[] = (applied.prefixes ?? []).map((x) => ({
        name: x.name,
        prefix: x.prefix,
      }));
      return state === "Ready" && prefixes.length > 0
        ? { name: p.name, state, prefixes }
        : { name: p.name, state };
    });
}

function labelsContain(
  obj: ApiObject,
  want: { labels: Record<string, string>; annotations: Record<string, string> },
) {
  const labels = obj.metadata.labels ?? {};
  const annotations = obj.metadata.annotations ?? {};
  return (
    Object.entries(want.labels).every(([k, v]) => labels[k] === v) &&
    Object.entries(want.annotations).every(([k, v]) => annotations[k] === v)
  );
}

export function networkReconciler(ctx: ApinetletContext): Controller {
  const { settings } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;

  async function finalize(net: NetworkObject, log: Logger) {
    if (!hasFinalizer(net, finalizers.network)) return;
    const gone = await deleteObject(ctx.apinet, apinetRefs.Network, namespace, net.metadata.uid ?? "");
    if (!gone) {
      log.info("waiting for the apinet network to be deleted");
      return { requeueAfter: deletionPollMs };
    }
    await removeFinalizer(ctx.ironcore, ironcoreRefs.Network, net, finalizers.network);
    log.info("apinet network deleted; finalizer removed");
  }

  async function apply(net: NetworkObject, log: Logger) {
    const uid = net.metadata.uid ?? "";
    const origin = originMetadata("network", net);
    const peerings = settings.disableNetworkPeering
      ? []
      : desiredApinetPeerings(
          net,
          (peerUID) =>
            latestOrWritten(
              ctx,
              apinetRefs.Network,
              an.networks.get(keyOf(namespace, peerUID)),
              namespace,
              peerUID,
            ),
          (key) => ic.prefixes.get(key),
        );
    let current = latestOrWritten(
      ctx,
      apinetRefs.Network,
      an.networks.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    try {
      if (!current) {
        const desired: ApinetNetworkObject = {
          apiVersion: apinetApiVersion,
          kind: "Network",
          metadata: { namespace, name: uid, ...origin },
          spec: { peerings: peerings.length > 0 ? peerings : undefined },
        };
        const { object, created } = await createOrGet(ctx.apinet, apinetRefs.Network, desired);
        current = object;
        if (created) log.info({ vni: object.spec?.id }, "created apinet network");
      }
      if (!labelsContain(current, origin) || !jsonEqual(current.spec?.peerings, peerings)) {
        current = await ctx.apinet.patch<ApinetNetworkObject>(
          apinetRefs.Network,
          namespace,
          uid,
          mergePatch({ metadata: origin, spec: { peerings: peerings.length > 0 ? peerings : null } }),
        );
        log.info({ peerings: peerings.map((p) => `${p.name}->${p.id}`) }, "updated apinet network");
      }
    } catch (err) {
      // Upstream: a failed apply makes the network Pending unless it is already Available.
      if (!net.status?.state) {
        await patchStatus(ctx.ironcore, ironcoreRefs.Network, net, { state: "Pending" });
      }
      throw err;
    }
    if (isDeleting(current)) {
      // Someone else deletes it; once gone, its event brings us back and it is created anew.
      log.info("apinet network is being deleted by someone else; waiting");
      return { requeueAfter: deletionPollMs };
    }
    const id = current.spec?.id;
    if (!id || !current.metadata.uid) {
      log.info("apinet network has no VNI yet");
      return { requeueAfter: deletionPollMs };
    }

    const providerID = formatNetworkProviderID({ namespace, name: uid, id, uid: current.metadata.uid });
    const needsProviderID = !net.spec?.providerID;
    if (net.spec?.providerID && net.spec.providerID !== providerID) {
      // spec.providerID is immutable once set; this happens only when the apinet Network was
      // deleted behind apinetlet's back and got a new VNI. Say so; the status is still reported.
      log.warn(
        { providerID: net.spec.providerID, apinet: providerID },
        "providerID does not match the apinet network",
      );
    }
    // The apinet Network is created before the finalizer is added (one round trip fewer per
    // network): its origin labels make it findable, so if the ironcore Network vanishes before
    // the finalizer is on, the apinet event maps back to a missing object and it is deleted.
    if (!hasFinalizer(net, finalizers.network)) {
      await addFinalizer(
        ctx.ironcore,
        ironcoreRefs.Network,
        net,
        finalizers.network,
        needsProviderID ? { spec: { providerID } } : {},
      );
    } else if (needsProviderID) {
      await ctx.ironcore.patch(
        ironcoreRefs.Network,
        net.metadata.namespace,
        net.metadata.name ?? "",
        mergePatch({ spec: { providerID } }),
      );
    }
    if (needsProviderID) log.info({ providerID }, "set providerID");

    const statusPeerings = peeringStatuses(net, current);
    if (net.status?.state !== "Available" || !jsonEqual(net.status?.peerings, statusPeerings)) {
      await patchStatus(ctx.ironcore, ironcoreRefs.Network, net, {
        state: "Available",
        peerings: statusPeerings.length > 0 ? statusPeerings : null,
      });
      log.info(
        { vni: id, peerings: statusPeerings.map((p) => `${p.name}:${p.state}`) },
        net.status?.state === "Available" ? "updated network status" : "network available",
      );
    }
  }

  return new Controller({
    name: "network",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: settings.concurrency,
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const net = latest(ctx, ironcoreRefs.Network, ic.networks.get(key));
      if (net && !isHandled(settings, net)) return;
      // apinet Networks of an earlier object of this name, or of one that is gone.
      const stale = an.networks
        .byIndex(indexes.origin, key)
        .filter((a) => originOf("network", a)?.uid !== net?.metadata.uid);
      if (stale.length > 0) {
        await deleteObjects(ctx.apinet, apinetRefs.Network, stale);
        log.info(
          { apinet: stale.map((s) => s.metadata.name) },
          "deleted apinet networks whose network is gone",
        );
      }
      if (!net) return;
      if (isDeleting(net)) return finalize(net, log);
      return apply(net, log);
    }),
  })
    .watch(ic.networks)
    .watch(
      an.networks,
      // The network it stands for, and the networks that peer with it (their peering can go
      // Ready once this one has its VNI, or must go when it is deleted).
      enqueueMapped((a: ApinetNetworkObject) => [
        ...(originKey("network", a) ? [originKey("network", a)!] : []),
        ...ic.networks
          .byIndex(indexes.incomingPeeringUID, a.metadata.name ?? "")
          .map((n) => keyOf(n.metadata.namespace, n.metadata.name ?? "")),
      ]),
    )
    .watch(
      ic.prefixes,
      enqueueMapped((p: PrefixObject) =>
        ic.networks
          .byIndex(indexes.peeringPrefix, keyOf(p.metadata.namespace, p.metadata.name ?? ""))
          .map((n) => keyOf(n.metadata.namespace, n.metadata.name ?? "")),
      ),
    );
}
