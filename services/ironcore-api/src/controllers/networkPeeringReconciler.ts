/**
 * networkpeering (upstream NetworkPeeringReconciler): fills `spec.incomingPeerings` of a Network
 * with the peers that declared the peering back and are Available — what apinetlet turns into
 * ironcore-net peerings. Reference: ironcore-api.md section 12:
 * - only Available networks are reconciled;
 * - for each `spec.peerings[]`: resolve the target (namespace defaults to the network's own);
 *   a missing target is skipped; the target counts if one of its peerings points back
 *   (namespace defaulting to the target's) and it is Available;
 * - `spec.incomingPeerings` is replaced with `{namespace, name, uid}` of those targets (removed
 *   when empty).
 */
import { isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { jsonEqual } from "@ironcore-ts/apiserver";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { NetworkObject } from "../kinds/network.js";
import type { ControllerContext } from "./context.js";
import { keyOf, mergePatch, refs } from "./refs.js";

export interface PeeringClaim {
  namespace: string;
  name: string;
  uid: string;
}

/** `ns/name` of every network `net` declares a peering with. */
export function peeringTargets(net: NetworkObject): string[] {
  return (net.spec?.peerings ?? [])
    .filter((p) => p.networkRef?.name)
    .map((p) => keyOf(p.networkRef?.namespace || net.metadata.namespace, p.networkRef!.name!));
}

/** The incoming peerings `net` should list, given a way to look networks up by `ns/name`. */
export function desiredIncomingPeerings(
  net: NetworkObject,
  lookup: (key: string) => NetworkObject | undefined,
): PeeringClaim[] {
  const self = objectKey(net.metadata);
  const claims: PeeringClaim[] = [];
  for (const targetKey of peeringTargets(net)) {
    const target = lookup(targetKey);
    if (!target) continue;
    // (quirk) Upstream keeps claiming a peer that is being deleted, while networkprotection
    // refuses to let a network go as long as someone claims it: a mutual peering then blocks
    // the deletion forever. A deleting peer is no longer a peer.
    if (isDeleting(target)) continue;
    if (target.status?.state !== "Available") continue;
    if (!peeringTargets(target).includes(self)) continue;
    claims.push({
      namespace: target.metadata.namespace ?? "",
      name: target.metadata.name!,
      uid: target.metadata.uid!,
    });
  }
  return claims;
}

export function networkPeeringReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "networkpeering",
    logger: ctx.logger,
    concurrency: 4,
    async reconcile(key, _signal, log) {
      const net = informers.networks.get(key);
      if (!net || isDeleting(net)) return;
      if (net.status?.state !== "Available") {
        log.debug({ state: net.status?.state }, "network is not Available; peerings wait for it");
        return;
      }
      const claims = desiredIncomingPeerings(net, (k) => informers.networks.get(k));
      if (jsonEqual(net.spec?.incomingPeerings ?? [], claims)) return;
      await client.patch(
        refs.Network,
        net.metadata.namespace,
        net.metadata.name!,
        mergePatch({ spec: { incomingPeerings: claims.length > 0 ? claims : null } }),
      );
      log.info(
        { incomingPeerings: claims.map((c) => keyOf(c.namespace, c.name)) },
        "incoming peerings updated",
      );
    },
  }).watch(
    informers.networks,
    // The network itself, the networks it peers with (their view of it changed: state, peerings
    // pointing back) and the ones that currently claim it.
    enqueueMapped((net: NetworkObject) => [
      objectKey(net.metadata),
      ...peeringTargets(net),
      ...(net.spec?.incomingPeerings ?? [])
        .filter((c) => c.name)
        .map((c) => keyOf(c.namespace || net.metadata.namespace, c.name!)),
    ]),
  );
}
