/**
 * The shared informers of apinetlet: the ironcore kinds it translates (every namespace, or the
 * one it is told to watch) and the apinet kinds it writes (its apinet namespace only), with the
 * indexes the reconcilers and event mappers look objects up by.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { type KindRef, listWatcherFor, type ObjectClient } from "@ironcore-ts/client";
import type { Informer, Manager } from "@ironcore-ts/controller";
import { tryParseNetworkInterfaceProviderID } from "@ironcore-ts/ironcore-net/providerId";
import {
  type ApinetIPAddressObject,
  type ApinetIPObject,
  type ApinetLoadBalancerObject,
  type ApinetLoadBalancerRoutingObject,
  type ApinetNATGatewayAutoscalerObject,
  type ApinetNATGatewayObject,
  type ApinetNetworkInterfaceObject,
  type ApinetNetworkObject,
  type ApinetNetworkPolicyObject,
  type ApinetNetworkPolicyRuleObject,
  apinetIPAddressRef,
  apinetRefs,
  ironcoreRefs,
  type LoadBalancerObject,
  type LoadBalancerRoutingObject,
  type NATGatewayObject,
  type NetworkInterfaceObject,
  type NetworkObject,
  type NetworkPolicyObject,
  type PrefixObject,
  type VirtualIPObject,
} from "./kinds.js";
import { type OriginKind, originKey } from "./originMetadata.js";
import type { RecentWrites } from "./recentWrites.js";

export interface IronCoreInformers {
  networks: Informer<NetworkObject>;
  networkInterfaces: Informer<NetworkInterfaceObject>;
  virtualIPs: Informer<VirtualIPObject>;
  natGateways: Informer<NATGatewayObject>;
  loadBalancers: Informer<LoadBalancerObject>;
  loadBalancerRoutings: Informer<LoadBalancerRoutingObject>;
  networkPolicies: Informer<NetworkPolicyObject>;
  prefixes: Informer<PrefixObject>;
}

export interface ApinetInformers {
  networks: Informer<ApinetNetworkObject>;
  ips: Informer<ApinetIPObject>;
  networkInterfaces: Informer<ApinetNetworkInterfaceObject>;
  loadBalancers: Informer<ApinetLoadBalancerObject>;
  loadBalancerRoutings: Informer<ApinetLoadBalancerRoutingObject>;
  natGateways: Informer<ApinetNATGatewayObject>;
  natGatewayAutoscalers: Informer<ApinetNATGatewayAutoscalerObject>;
  networkPolicies: Informer<ApinetNetworkPolicyObject>;
  networkPolicyRules: Informer<ApinetNetworkPolicyRuleObject>;
  /** Cluster-wide: every claimed public address (watched for deletions: addresses freed anywhere). */
  ipAddresses: Informer<ApinetIPAddressObject>;
}

export interface Informers {
  ironcore: IronCoreInformers;
  apinet: ApinetInformers;
}

/** Index names. */
export const indexes = {
  /** Any object: its uid (apinet objects are named by ironcore uids; this goes the other way). */
  uid: "uid",
  /** apinet objects: `ns/name` of the ironcore object in their origin metadata. */
  origin: "origin",
  /** ironcore NIC, LB, NATGateway, NetworkPolicy: `ns/<networkRef.name>`; apinet NIC, LB: `<networkRef.name>`. */
  network: "network",
  /** ironcore Network: the uids in spec.incomingPeerings. */
  incomingPeeringUID: "incomingPeeringUID",
  /** ironcore Network: `ns/name` of every ipam Prefix its peerings reference. */
  peeringPrefix: "peeringPrefix",
  /** ironcore NIC: the apinet NIC uid of its spec.providerID. */
  providerUID: "providerUID",
  /** ironcore NIC: `ns/name` of the VirtualIP it wants (virtualIPRef, or its own name if ephemeral). */
  wantedVirtualIP: "wantedVirtualIP",
  /** ironcore VirtualIP: the uid of its targetRef. */
  targetUID: "targetUID",
} as const;

const keyOf = (namespace: string | undefined, name: string) => (namespace ? `${namespace}/${name}` : name);

const uidIndex = (obj: ApiObject): string[] => (obj.metadata.uid ? [obj.metadata.uid] : []);

function byNetworkRef(obj: { metadata: { namespace?: string }; spec?: { networkRef?: { name?: string } } }) {
  const name = obj.spec?.networkRef?.name;
  return name ? [keyOf(obj.metadata.namespace, name)] : [];
}

/** The VirtualIP a NIC wants: its reference, or the ephemeral one named like the NIC. */
export function wantedVirtualIPName(nic: NetworkInterfaceObject): string | undefined {
  const source = nic.spec?.virtualIP;
  if (source?.virtualIPRef?.name) return source.virtualIPRef.name;
  if (source?.ephemeral) return nic.metadata.name;
  return undefined;
}

export function createInformers(
  manager: Manager,
  clients: { ironcore: ObjectClient; apinet: ObjectClient },
  scope: { apinetNamespace: string; watchNamespace?: string },
  writes?: RecentWrites,
): Informers {
  // A deleted object must not live on in apinetlet's memory of its own writes.
  const forgetDeleted = <T extends ApiObject>(ref: KindRef, informer: Informer<T>) => {
    if (writes)
      informer.onDelete((obj) => writes.forget(ref, obj.metadata.namespace, obj.metadata.name ?? ""));
    return informer;
  };
  const ironcore = <T extends ApiObject>(ref: KindRef) =>
    forgetDeleted(
      ref,
      manager.informer(listWatcherFor<T>(clients.ironcore, ref, { namespace: scope.watchNamespace }), {
        key: `ironcore/${ref.kind}`,
      }),
    );
  const apinet = <T extends ApiObject>(ref: KindRef, origin: OriginKind) => {
    const informer = forgetDeleted(
      ref,
      manager.informer(listWatcherFor<T>(clients.apinet, ref, { namespace: scope.apinetNamespace }), {
        key: `apinet/${ref.kind}`,
      }),
    );
    informer.addIndex(indexes.origin, (obj) => {
      const key = originKey(origin, obj);
      return key ? [key] : [];
    });
    return informer;
  };

  const networks = ironcore<NetworkObject>(ironcoreRefs.Network);
  networks.addIndex(indexes.uid, uidIndex);
  networks.addIndex(indexes.incomingPeeringUID, (net) =>
    (net.spec?.incomingPeerings ?? []).flatMap((c) => (c.uid ? [c.uid] : [])),
  );
  networks.addIndex(indexes.peeringPrefix, (net) =>
    (net.spec?.peerings ?? []).flatMap((p) =>
      (p.prefixes ?? []).flatMap((pf) =>
        pf.prefixRef?.name ? [keyOf(net.metadata.namespace, pf.prefixRef.name)] : [],
      ),
    ),
  );

  const networkInterfaces = ironcore<NetworkInterfaceObject>(ironcoreRefs.NetworkInterface);
  networkInterfaces.addIndex(indexes.network, byNetworkRef);
  networkInterfaces.addIndex(indexes.providerUID, (nic) => {
    const id = tryParseNetworkInterfaceProviderID(nic.spec?.providerID);
    return id ? [id.uid] : [];
  });
  networkInterfaces.addIndex(indexes.wantedVirtualIP, (nic) => {
    const name = wantedVirtualIPName(nic);
    return name ? [keyOf(nic.metadata.namespace, name)] : [];
  });

  const virtualIPs = ironcore<VirtualIPObject>(ironcoreRefs.VirtualIP);
  virtualIPs.addIndex(indexes.targetUID, (vip) => (vip.spec?.targetRef?.uid ? [vip.spec.targetRef.uid] : []));

  const natGateways = ironcore<NATGatewayObject>(ironcoreRefs.NATGateway);
  natGateways.addIndex(indexes.network, byNetworkRef);
  const loadBalancers = ironcore<LoadBalancerObject>(ironcoreRefs.LoadBalancer);
  loadBalancers.addIndex(indexes.network, byNetworkRef);
  const networkPolicies = ironcore<NetworkPolicyObject>(ironcoreRefs.NetworkPolicy);
  networkPolicies.addIndex(indexes.network, byNetworkRef);

  const apinetNetworks = apinet<ApinetNetworkObject>(apinetRefs.Network, "network");
  const apinetNICs = apinet<ApinetNetworkInterfaceObject>(apinetRefs.NetworkInterface, "networkinterface");
  apinetNICs.addIndex(indexes.network, (nic) =>
    nic.spec?.networkRef?.name ? [nic.spec.networkRef.name] : [],
  );
  const apinetLBs = apinet<ApinetLoadBalancerObject>(apinetRefs.LoadBalancer, "loadbalancer");
  apinetLBs.addIndex(indexes.network, (lb) => (lb.spec?.networkRef?.name ? [lb.spec.networkRef.name] : []));

  return {
    ironcore: {
      networks,
      networkInterfaces,
      virtualIPs,
      natGateways,
      loadBalancers,
      loadBalancerRoutings: ironcore<LoadBalancerRoutingObject>(ironcoreRefs.LoadBalancerRouting),
      networkPolicies,
      prefixes: ironcore<PrefixObject>(ironcoreRefs.Prefix),
    },
    apinet: {
      networks: apinetNetworks,
      ips: apinet<ApinetIPObject>(apinetRefs.IP, "virtualip"),
      networkInterfaces: apinetNICs,
      loadBalancers: apinetLBs,
      loadBalancerRoutings: apinet<ApinetLoadBalancerRoutingObject>(
        apinetRefs.LoadBalancerRouting,
        "loadbalancer",
      ),
      natGateways: apinet<ApinetNATGatewayObject>(apinetRefs.NATGateway, "natgateway"),
      natGatewayAutoscalers: apinet<ApinetNATGatewayAutoscalerObject>(
        apinetRefs.NATGatewayAutoscaler,
        "natgateway",
      ),
      networkPolicies: apinet<ApinetNetworkPolicyObject>(apinetRefs.NetworkPolicy, "networkpolicy"),
      networkPolicyRules: apinet<ApinetNetworkPolicyRuleObject>(
        apinetRefs.NetworkPolicyRule,
        "networkpolicy",
      ),
      ipAddresses: manager.informer(
        listWatcherFor<ApinetIPAddressObject>(clients.apinet, apinetIPAddressRef),
        {
          key: "apinet/IPAddress",
        },
      ),
    },
  };
}
