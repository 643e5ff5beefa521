/**
 * networkinterfacenatrelease (upstream NetworkInterfaceNATReleaseReconciler): removes a NIC's
 * `spec.natGateways` entries whose NATGateway is gone or is another object by now (same name,
 * other uid), so the NIC can be served again. Reference: ironcore-net.md section 4.
 */
import { isApiError, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject } from "@ironcore-ts/controller";
import type { NetworkInterfaceNATJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import type { Logger } from "pino";
import { apinetRefs } from "../apinet.js";
import { getIfExists, keyOf, type NATGatewayObject, requeueOnConflict } from "./controllerObjects.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";
import { indexes } from "./networkInformers.js";

export function networkInterfaceNATReleaseReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;

  /**
   * Whether the claimed gateway still exists with the claimed uid. The cache answers "yes"; a
   * "no" is confirmed with a live read, because the gateway informer may not have seen a gateway
   * that the NAT controller (reading another cache) has already claimed NICs for.
   */
  async function claimHolds(namespace: string | undefined, nat: NetworkInterfaceNATJson): Promise<boolean> {
    const name = nat.claimRef?.name;
    if (!name) return false;
    const cached = informers.natGateways.get(keyOf(namespace, name));
    if (cached && cached.metadata.uid === nat.claimRef?.uid) return true;
    const live = await getIfExists(client.get<NATGatewayObject>(apinetRefs.NATGateway, namespace, name));
    return live !== undefined && live.metadata.uid === nat.claimRef?.uid;
  }

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    const nic = informers.networkInterfaces.get(key);
    if (!nic || isDeleting(nic)) return;
    const entries = nic.spec?.natGateways ?? [];
    if (entries.length === 0) return;
    const kept: NetworkInterfaceNATJson[] = [];
    for (const nat of entries) {
      if (await claimHolds(nic.metadata.namespace, nat)) kept.push(nat);
    }
    if (kept.length === entries.length) return;
    try {
      await client.patch(apinetRefs.NetworkInterface, nic.metadata.namespace, nic.metadata.name!, {
        metadata: { resourceVersion: nic.metadata.resourceVersion! },
        spec: { natGateways: kept },
      });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err; // a Conflict looks again with the newer NIC
    }
    log.info(
      { released: entries.filter((e) => !kept.includes(e)).map((e) => e.claimRef?.name) },
      "released NAT claims of gateways that are gone",
    );
  }

  return new Controller({
    name: "networkinterface-nat-release",
    logger: ctx.logger,
    concurrency: 4,
    reconcile: requeueOnConflict(reconcile),
  })
    .watch(informers.networkInterfaces, enqueueObject())
    .watch(
      informers.natGateways,
      enqueueMapped((gw: NATGatewayObject) =>
        informers.networkInterfaces
          .byIndex(indexes.natGatewayClaim, objectKey(gw.metadata))
          .map((nic) => objectKey(nic.metadata)),
      ),
    );
}
