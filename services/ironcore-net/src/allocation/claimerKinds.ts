/** The three kinds that hold public IPs, described for PublicIPClaimer. */
import { FieldPath } from "@ironcore-ts/apimachinery";
import { resources } from "../apinet.js";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { NATGatewayObject } from "../kinds/natGateway.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { ClaimerKind } from "./publicIPClaimer.js";

const spec = FieldPath.root("spec");

export const networkInterfaceClaimer: ClaimerKind<NetworkInterfaceObject> = {
  kind: "NetworkInterface",
  resource: resources.networkInterfaces,
  path: spec.child("publicIPs"),
  entries: (obj) => obj.spec?.publicIPs,
  familyOf: (_obj, e) => e.ipFamily,
  holdsPublicIPs: () => true,
};

export const natGatewayClaimer: ClaimerKind<NATGatewayObject> = {
  kind: "NATGateway",
  resource: resources.natGateways,
  path: spec.child("ips"),
  entries: (obj) => obj.spec?.ips,
  familyOf: (obj) => obj.spec?.ipFamily,
  holdsPublicIPs: () => true,
};

export const loadBalancerClaimer: ClaimerKind<LoadBalancerObject> = {
  kind: "LoadBalancer",
  resource: resources.loadBalancers,
  path: spec.child("ips"),
  entries: (obj) => obj.spec?.ips,
  familyOf: (_obj, e) => e.ipFamily,
  // Only Public load balancers allocate in the registry; Internal ones use network addresses.
  holdsPublicIPs: (obj) => obj.spec?.type === "Public",
};
