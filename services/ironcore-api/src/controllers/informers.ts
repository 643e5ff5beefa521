/**
 * The shared informers of the ironcore controllers (one cache and one watch per kind, however
 * many controllers read it) and the indexes the controllers look objects up by.
 */
import {
  type ApiObject,
  isDeleting,
  type LabelSelector,
  type SelectorOperator,
} from "@ironcore-ts/apimachinery";
import { type KindRef, listWatcherFor, type ObjectClient } from "@ironcore-ts/client";
import type { EventMapper, Informer, Manager } from "@ironcore-ts/controller";
import type { LabelSelectorJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import type { LoadBalancerObject } from "../kinds/loadBalancer.js";
import type { LoadBalancerRoutingObject } from "../kinds/loadBalancerRouting.js";
import { ephemeralNetworkInterfaceName, type MachineObject } from "../kinds/machine.js";
import type { MachinePoolObject } from "../kinds/machinePool.js";
import type { NATGatewayObject } from "../kinds/natGateway.js";
import type { NetworkObject } from "../kinds/network.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import type { PrefixObject } from "../kinds/prefix.js";
import type { VirtualIPObject } from "../kinds/virtualIP.js";
import { keyOf, refs } from "./refs.js";

export interface IronCoreInformers {
  machines: Informer<MachineObject>;
  machinePools: Informer<MachinePoolObject>;
  networks: Informer<NetworkObject>;
  networkInterfaces: Informer<NetworkInterfaceObject>;
  virtualIPs: Informer<VirtualIPObject>;
  prefixes: Informer<PrefixObject>;
  loadBalancers: Informer<LoadBalancerObject>;
  loadBalancerRoutings: Informer<LoadBalancerRoutingObject>;
  natGateways: Informer<NATGatewayObject>;
}

/** Index names; the values each one maps an object to are described next to the index function. */
export const indexes = {
  /** Any namespaced kind: its namespace. */
  namespace: "namespace",
  /** Machine: `ns/<machine>-<entry>` of every ephemeral NIC it asks for. */
  ephemeralNetworkInterface: "ephemeralNetworkInterface",
  /** Machine: "true" while it waits for a pool (no machinePoolRef, not deleting). */
  unscheduled: "unscheduled",
  /** NetworkInterface, LoadBalancer: `ns/<networkRef.name>`. */
  network: "network",
  /** NetworkInterface: the uid of its machineRef. */
  machineUID: "machineUID",
  /** VirtualIP: the uid of its targetRef. */
  targetUID: "targetUID",
  /** Network: `ns/name` of every network it lists in spec.incomingPeerings. */
  incomingPeering: "incomingPeering",
  /** Prefix: `ns/<parentRef.name>`. */
  parent: "parent",
} as const;

const namespaceIndex = (obj: ApiObject): string[] => [obj.metadata.namespace ?? ""];

function informerFor<T extends ApiObject>(manager: Manager, client: ObjectClient, ref: KindRef): Informer<T> {
  return manager.informer(listWatcherFor<T>(client, ref), { key: ref.kind });
}

/** Creates (or finds, on a manager that has them) the informers and their indexes. */
export function createInformers(manager: Manager, client: ObjectClient): IronCoreInformers {
  const machines = informerFor<MachineObject>(manager, client, refs.Machine);
  machines.addIndex(indexes.ephemeralNetworkInterface, (m) =>
    (m.spec?.networkInterfaces ?? [])
      .filter((nic) => nic.ephemeral && nic.name)
      .map((nic) => keyOf(m.metadata.namespace, ephemeralNetworkInterfaceName(m.metadata.name!, nic.name!))),
  );
  machines.addIndex(indexes.unscheduled, (m) =>
    !m.spec?.machinePoolRef?.name && !isDeleting(m) ? ["true"] : [],
  );

  const networkInterfaces = informerFor<NetworkInterfaceObject>(manager, client, refs.NetworkInterface);
  networkInterfaces.addIndex(indexes.namespace, namespaceIndex);
  networkInterfaces.addIndex(indexes.network, (nic) =>
    nic.spec?.networkRef?.name ? [keyOf(nic.metadata.namespace, nic.spec.networkRef.name)] : [],
  );
  networkInterfaces.addIndex(indexes.machineUID, (nic) =>
    nic.spec?.machineRef?.uid ? [nic.spec.machineRef.uid] : [],
  );

  const virtualIPs = informerFor<VirtualIPObject>(manager, client, refs.VirtualIP);
  virtualIPs.addIndex(indexes.namespace, namespaceIndex);
  virtualIPs.addIndex(indexes.targetUID, (vip) => (vip.spec?.targetRef?.uid ? [vip.spec.targetRef.uid] : []));

  const prefixes = informerFor<PrefixObject>(manager, client, refs.Prefix);
  prefixes.addIndex(indexes.namespace, namespaceIndex);
  prefixes.addIndex(indexes.parent, (p) =>
    p.spec?.parentRef?.name ? [keyOf(p.metadata.namespace, p.spec.parentRef.name)] : [],
  );

  const loadBalancers = informerFor<LoadBalancerObject>(manager, client, refs.LoadBalancer);
  loadBalancers.addIndex(indexes.network, (lb) =>
    lb.spec?.networkRef?.name ? [keyOf(lb.metadata.namespace, lb.spec.networkRef.name)] : [],
  );

  const networks = informerFor<NetworkObject>(manager, client, refs.Network);
  networks.addIndex(indexes.incomingPeering, (net) =>
    (net.spec?.incomingPeerings ?? [])
      .filter((claim) => claim.name)
      .map((claim) => keyOf(claim.namespace || net.metadata.namespace, claim.name!)),
  );

  return {
    machines,
    machinePools: informerFor<MachinePoolObject>(manager, client, refs.MachinePool),
    networks,
    networkInterfaces,
    virtualIPs,
    prefixes,
    loadBalancers,
    loadBalancerRoutings: informerFor<LoadBalancerRoutingObject>(manager, client, refs.LoadBalancerRouting),
    natGateways: informerFor<NATGatewayObject>(manager, client, refs.NATGateway),
  };
}

/** The keys of several mappers, each key once: one watch of an informer that wakes several things. */
export function enqueueAll<T extends ApiObject>(...mappers: EventMapper<T>[]): EventMapper<T> {
  return (obj) => [...new Set(mappers.flatMap((m) => m(obj)))];
}

/** The generated JSON selector (operator is any string) as the apimachinery type. */
export function labelSelectorOf(json: LabelSelectorJson | undefined): LabelSelector | undefined {
  if (!json) return undefined;
  return {
    matchLabels: json.matchLabels,
    matchExpressions: json.matchExpressions?.map((r) => ({
      key: r.key ?? "",
      // Validation admits only the four operators; an unknown one matches nothing.
      operator: (r.operator ?? "") as SelectorOperator,
      values: r.values,
    })),
  };
}
