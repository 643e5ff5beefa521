/**
 * networkrelease: drops `spec.incomingPeerings` entries whose network no longer exists, so a
 * network does not keep claiming a deleted peer (networkpeering only runs for Available networks
 * and would leave them). Reference: ironcore-api.md section 12.
 *
 * (quirk) Upstream drops only claims of networks that are gone, but networkprotection keeps a
 * claimed network from going: a network that is not Available (so networkpeering does not run
 * for it) and still claims a deleting peer blocks that deletion forever. A network that is being
 * deleted is released here like a gone one (networkpeering likewise no longer claims it).
 *
 * Existence is checked with a live read, not the cache: dropping a claim because a cache has not
 * seen the peer yet would tear down a working peering. An entry whose network exists under the
 * same name but with another uid is dropped as well: that is a new network that never agreed to
 * the peering (upstream only checks the name).
 */
import { isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type { NetworkObject } from "../kinds/network.js";
import type { ControllerContext } from "./context.js";
import { indexes } from "./informers.js";
import { getIfExists, keyOf, mergePatch, refs, requeueOnConflict } from "./refs.js";

export function networkReleaseReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  return new Controller({
    name: "networkrelease",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const cached = informers.networks.get(key);
      if (!cached || isDeleting(cached) || (cached.spec?.incomingPeerings ?? []).length === 0) return;
      const net = await getIfExists(
        client.get<NetworkObject>(refs.Network, cached.metadata.namespace, cached.metadata.name!),
      );
      if (!net || isDeleting(net)) return;
      const claims = net.spec?.incomingPeerings ?? [];
      const kept: typeof claims = [];
      for (const claim of claims) {
        const peer = await getIfExists(
          client.get<NetworkObject>(
            refs.Network,
            claim.namespace || net.metadata.namespace,
            claim.name ?? "",
          ),
        );
        if (peer && !isDeleting(peer) && (!claim.uid || peer.metadata.uid === claim.uid)) kept.push(claim);
      }
      if (kept.length === claims.length) return;
      // With the version read: networkpeering may have rewritten the list meanwhile (Conflict ->
      // retried with back-off against the new list).
      await client.patch(
        refs.Network,
        net.metadata.namespace,
        net.metadata.name!,
        mergePatch({
          metadata: { resourceVersion: net.metadata.resourceVersion },
          spec: { incomingPeerings: kept.length > 0 ? kept : null },
        }),
      );
      log.info(
        { released: claims.filter((c) => !kept.includes(c)).map((c) => c.name) },
        "released incoming peerings of networks that are gone or going",
      );
    }),
  }).watch(
    informers.networks,
    // The network itself, and the networks claiming it (it may be gone or going now).
    enqueueMapped((net: NetworkObject) => [
      objectKey(net.metadata),
      ...informers.networks
        .byIndex(indexes.incomingPeering, objectKey(net.metadata))
        .map((claimer) => keyOf(claimer.metadata.namespace, claimer.metadata.name!)),
    ]),
  );
}
