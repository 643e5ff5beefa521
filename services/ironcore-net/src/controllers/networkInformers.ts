/**
 * The shared informers of the ironcore-net controllers (one cache and one watch per kind, however
 * many controllers read it) and the indexes they look objects up by.
 */
import { type ApiObject, controllerOf, isDeleting } from "@ironcore-ts/apimachinery";
import { type KindRef, listWatcherFor, type ObjectClient } from "@ironcore-ts/client";
import type { EventMapper, Informer, Manager } from "@ironcore-ts/controller";
import { apinetRefs } from "../apinet.js";
import {
  type DaemonSetObject,
  type InstanceObject,
  keyOf,
  type LoadBalancerObject,
  type LoadBalancerRoutingObject,
  type NATGatewayAutoscalerObject,
  type NATGatewayObject,
  type NATTableObject,
  type NetworkInterfaceObject,
  type NetworkPolicyObject,
  type NetworkPolicyRuleObject,
  type NodeObject,
} from "./controllerObjects.js";

export interface NetworkInformers {
  natGateways: Informer<NATGatewayObject>;
  natGatewayAutoscalers: Informer<NATGatewayAutoscalerObject>;
  natTables: Informer<NATTableObject>;
  networkInterfaces: Informer<NetworkInterfaceObject>;
  loadBalancers: Informer<LoadBalancerObject>;
  loadBalancerRoutings: Informer<LoadBalancerRoutingObject>;
  daemonSets: Informer<DaemonSetObject>;
  instances: Informer<InstanceObject>;
  nodes: Informer<NodeObject>;
  networkPolicies: Informer<NetworkPolicyObject>;
  networkPolicyRules: Informer<NetworkPolicyRuleObject>;
}

/**
 * Index names (prefixed: other controllers of the same manager index the same shared informers);
 * what each maps an object to is described next to its index function.
 */
export const indexes = {
  /** NetworkInterface, NATGateway: `ns/<spec.networkRef.name>`. */
  network: "netctl/network",
  /** NetworkInterface: `ns/<claimRef.name>` of every NAT gateway in spec.natGateways. */
  natGatewayClaim: "netctl/natGatewayClaim",
  /** NATGatewayAutoscaler: `ns/<spec.natGatewayRef.name>`. */
  natGateway: "netctl/natGateway",
  /** Instance: the uid of its controller (a DaemonSet). */
  controllerUID: "netctl/controllerUID",
  /** Instance: "true" while it has no nodeRef and is not being deleted. */
  unscheduled: "netctl/unscheduled",
  /** Instance: its namespace. */
  namespace: "netctl/namespace",
} as const;

function informerFor<T extends ApiObject>(manager: Manager, client: ObjectClient, ref: KindRef): Informer<T> {
  return manager.informer(listWatcherFor<T>(client, ref), { key: ref.kind, name: ref.kind });
}

/** Creates the informers (or finds them, on a manager that already has them) and their indexes. */
export function createNetworkInformers(manager: Manager, client: ObjectClient): NetworkInformers {
  const networkIndex = (obj: {
    metadata: { namespace?: string };
    spec?: { networkRef?: { name?: string } };
  }) => (obj.spec?.networkRef?.name ? [keyOf(obj.metadata.namespace, obj.spec.networkRef.name)] : []);

  const networkInterfaces = informerFor<NetworkInterfaceObject>(manager, client, apinetRefs.NetworkInterface);
  networkInterfaces.addIndex(indexes.network, networkIndex);
  networkInterfaces.addIndex(indexes.natGatewayClaim, (nic) =>
    (nic.spec?.natGateways ?? [])
      .filter((nat) => nat.claimRef?.name)
      .map((nat) => keyOf(nic.metadata.namespace, nat.claimRef!.name!)),
  );

  const natGateways = informerFor<NATGatewayObject>(manager, client, apinetRefs.NATGateway);
  natGateways.addIndex(indexes.network, networkIndex);

  const natGatewayAutoscalers = informerFor<NATGatewayAutoscalerObject>(
    manager,
    client,
    apinetRefs.NATGatewayAutoscaler,
  );
  natGatewayAutoscalers.addIndex(indexes.natGateway, (as) =>
    as.spec?.natGatewayRef?.name ? [keyOf(as.metadata.namespace, as.spec.natGatewayRef.name)] : [],
  );

  const instances = informerFor<InstanceObject>(manager, client, apinetRefs.Instance);
  instances.addIndex(indexes.controllerUID, (inst) => {
    const uid = controllerOf(inst)?.uid;
    return uid ? [uid] : [];
  });
  instances.addIndex(indexes.unscheduled, (inst) =>
    !inst.spec?.nodeRef?.name && !isDeleting(inst) ? ["true"] : [],
  );
  instances.addIndex(indexes.namespace, (inst) => [inst.metadata.namespace ?? ""]);

  return {
    natGateways,
    natGatewayAutoscalers,
    natTables: informerFor<NATTableObject>(manager, client, apinetRefs.NATTable),
    networkInterfaces,
    loadBalancers: informerFor<LoadBalancerObject>(manager, client, apinetRefs.LoadBalancer),
    loadBalancerRoutings: informerFor<LoadBalancerRoutingObject>(
      manager,
      client,
      apinetRefs.LoadBalancerRouting,
    ),
    daemonSets: informerFor<DaemonSetObject>(manager, client, apinetRefs.DaemonSet),
    instances,
    nodes: informerFor<NodeObject>(manager, client, apinetRefs.Node),
    networkPolicies: informerFor<NetworkPolicyObject>(manager, client, apinetRefs.NetworkPolicy),
    networkPolicyRules: informerFor<NetworkPolicyRuleObject>(manager, client, apinetRefs.NetworkPolicyRule),
  };
}

/** The keys of several mappers, each key once: one watch of an informer that wakes several things. */
export function enqueueAll<T extends ApiObject>(...mappers: EventMapper<T>[]): EventMapper<T> {
  return (obj) => [...new Set(mappers.flatMap((m) => m(obj)))];
}
