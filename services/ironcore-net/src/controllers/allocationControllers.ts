/**
 * The controllers ironcore-net runs in its own process (leader-elected when a lease is given):
 * claim garbage collectors and IP claim repair. The NAT, load balancer, DaemonSet and scheduler
 * controllers of upstream's controller-manager are separate work (see README).
 */
import type { ObjectClient } from "@ironcore-ts/client";
import type { Manager } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import type { Claims } from "../allocation/claims.js";
import { apinetRefs } from "../apinet.js";
import { claimGarbageCollector } from "./claimGC.js";
import { ipClaimController } from "./ipClaim.js";

export function addAllocationControllers(
  manager: Manager,
  client: ObjectClient,
  claims: Claims,
  logger: Logger,
): void {
  manager.add(
    claimGarbageCollector({
      name: "networkidgc",
      manager,
      client,
      claims,
      claim: apinetRefs.NetworkID,
      claimers: [apinetRefs.Network],
      logger,
    }),
  );
  manager.add(
    claimGarbageCollector({
      name: "ipaddressgc",
      manager,
      client,
      claims,
      claim: apinetRefs.IPAddress,
      claimers: [apinetRefs.IP],
      logger,
    }),
  );
  manager.add(
    claimGarbageCollector({
      name: "networkipclaimgc",
      manager,
      client,
      claims,
      claim: apinetRefs.NetworkIPClaim,
      claimers: [apinetRefs.NetworkInterface],
      logger,
    }),
  );
  manager.add(ipClaimController({ manager, client, claims, logger }));
}
