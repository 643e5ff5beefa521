/**
 * networkprotection: every Network carries the finalizer `networking.ironcore.dev/network`, so it
 * cannot disappear while something still uses it. On deletion the finalizer is removed only when
 * no non-deleting NetworkInterface, LoadBalancer or NATGateway of the network (same namespace,
 * `spec.networkRef.name`) and no non-deleting Network claiming it in `spec.incomingPeerings`
 * remain. Reference: ironcore-api.md sections 11-12.
 *
 * The "still in use" check reads the API live: removing the finalizer because the cache has not
 * seen a new NIC yet would let the network go under it. Events of those objects wake the network
 * again; a slow poll covers what no event announces.
 */
import { type ApiObject, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, type EventMapper, enqueueMapped } from "@ironcore-ts/controller";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { NATGatewayObject } from "../kinds/natGateway.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { ControllerContext } from "./context.js";
import { getIfExists, keyOf, mergePatch, refs, requeueOnConflict } from "./refs.js";

export const networkFinalizer = "networking.ironcore.dev/network";

/** While a deleting network is still in use, look again this often even without events. */
const inUsePollMs = 30_000;

interface NetworkUser extends ApiObject {
  spec?: { networkRef?: { name?: string } };
}

/** What keeps the network alive, as `Kind ns/name` strings for the log. */
async function usersOf(ctx: ControllerContext, net: NetworkObject): Promise<string[]> {
  const namespace = net.metadata.namespace;
  const name = net.metadata.name;
  const users: string[] = [];
  const inNamespace = [refs.NetworkInterface, refs.LoadBalancer, refs.NATGateway] as const;
  for (const ref of inNamespace) {
    const { items } = await ctx.client.list<NetworkUser>(ref, { namespace });
    for (const obj of items) {
      if (!isDeleting(obj) && obj.spec?.networkRef?.name === name)
        users.push(`${ref.kind} ${objectKey(obj.metadata)}`);
    }
  }
  // Peers may live in other namespaces.
  const { items: networks } = await ctx.client.list<NetworkObject>(refs.Network);
  for (const other of networks) {
    if (isDeleting(other)) continue;
    const claims = other.spec?.incomingPeerings ?? [];
    if (claims.some((c) => (c.namespace || other.metadata.namespace) === namespace && c.name === name)) {
      users.push(`Network ${objectKey(other.metadata)} (peering)`);
    }
  }
  return users;
}

/** NIC, LoadBalancer, NATGateway -> the network they are in. */
function networkOf<T extends NetworkUser>(): EventMapper<T> {
  return enqueueMapped((obj: T) =>
    obj.spec?.networkRef?.name ? keyOf(obj.metadata.namespace, obj.spec.networkRef.name) : undefined,
  );
}

export function networkProtectionReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;

  return new Controller({
    name: "networkprotection",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const cached = informers.networks.get(key);
      if (!cached) return;
      const hasFinalizer = cached.metadata.finalizers?.includes(networkFinalizer) ?? false;
      if (!isDeleting(cached) && hasFinalizer) return;
      if (isDeleting(cached) && !hasFinalizer) return;

      // Finalizer lists are shared with apinetlet: change them on a fresh read, with its version.
      const net = await getIfExists(
        client.get<NetworkObject>(refs.Network, cached.metadata.namespace, cached.metadata.name!),
      );
      if (!net) return;
      const finalizers = net.metadata.finalizers ?? [];
      if (!isDeleting(net)) {
        if (finalizers.includes(networkFinalizer)) return;
        await client.patch(
          refs.Network,
          net.metadata.namespace,
          net.metadata.name!,
          mergePatch({
            metadata: {
              resourceVersion: net.metadata.resourceVersion,
              finalizers: [...finalizers, networkFinalizer],
            },
          }),
        );
        log.debug("added network finalizer");
        return;
      }
      if (!finalizers.includes(networkFinalizer)) return;
      const users = await usersOf(ctx, net);
      if (users.length > 0) {
        log.info({ usedBy: users }, "network is being deleted but still in use; keeping it");
        return { requeueAfter: inUsePollMs };
      }
      const rest = finalizers.filter((f) => f !== networkFinalizer);
      await client.patch(
        refs.Network,
        net.metadata.namespace,
        net.metadata.name!,
        mergePatch({
          metadata: {
            resourceVersion: net.metadata.resourceVersion,
            finalizers: rest.length > 0 ? rest : null,
          },
        }),
      );
      log.info("network no longer in use; removed its finalizer");
    }),
  })
    .watch(
      informers.networks,
      // The network itself, and the networks it claims (it may have stopped claiming them).
      enqueueMapped((net: NetworkObject) => [
        objectKey(net.metadata),
        ...(net.spec?.incomingPeerings ?? [])
          .filter((c) => c.name)
          .map((c) => keyOf(c.namespace || net.metadata.namespace, c.name!)),
      ]),
    )
    .watch(informers.networkInterfaces, networkOf<NetworkInterfaceObject>())
    .watch(informers.loadBalancers, networkOf<LoadBalancerObject>())
    .watch(informers.natGateways, networkOf<NATGatewayObject>());
}
