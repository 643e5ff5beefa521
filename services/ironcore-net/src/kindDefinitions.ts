import type { KindDefinition } from "@ironcore-ts/apiserver";
import {
  DaemonSetSchema,
  DaemonSetService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/daemonset_pb.js";
import {
  InstanceSchema,
  InstanceService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import { IPSchema, IPService } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ip_pb.js";
import {
  IPAddressSchema,
  IPAddressService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/ipaddress_pb.js";
import {
  LoadBalancerSchema,
  LoadBalancerService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancer_pb.js";
import {
  LoadBalancerRoutingSchema,
  LoadBalancerRoutingService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancerrouting_pb.js";
import {
  NATGatewaySchema,
  NATGatewayService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgateway_pb.js";
import {
  NATGatewayAutoscalerSchema,
  NATGatewayAutoscalerService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgatewayautoscaler_pb.js";
import {
  NATTableSchema,
  NATTableService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/nattable_pb.js";
import { NetworkSchema, NetworkService } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/network_pb.js";
import {
  NetworkIDSchema,
  NetworkIDService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkid_pb.js";
import {
  NetworkInterfaceSchema,
  NetworkInterfaceService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import { NetworkIPClaimSchema } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkipclaim_pb.js";
import {
  NetworkPolicySchema,
  NetworkPolicyService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import {
  NetworkPolicyRuleSchema,
  NetworkPolicyRuleService,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicyrule_pb.js";
import { NodeSchema, NodeService } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/node_pb.js";
import type { Allocation } from "./allocation/allocation.js";
import {
  loadBalancerClaimer,
  natGatewayClaimer,
  networkInterfaceClaimer,
} from "./allocation/claimerKinds.js";
import { ipAddressAdmission } from "./allocation/ipAddressAdmission.js";
import { ipAdmission } from "./allocation/ipAdmission.js";
import { networkAdmission } from "./allocation/networkAdmission.js";
import { networkInterfaceAdmission } from "./allocation/networkInterfaceAdmission.js";
import { PublicIPClaimer } from "./allocation/publicIPClaimer.js";
import { apinetGroup, apinetVersion } from "./apinet.js";
import { daemonSetRules } from "./kinds/daemonSet.js";
import { instanceRules } from "./kinds/instance.js";
import { ipRules } from "./kinds/ip.js";
import { ipAddressRules } from "./kinds/ipAddress.js";
import { loadBalancerRules } from "./kinds/loadBalancer.js";
import { loadBalancerRoutingRules } from "./kinds/loadBalancerRouting.js";
import { natGatewayRules } from "./kinds/natGateway.js";
import { natGatewayAutoscalerRules } from "./kinds/natGatewayAutoscaler.js";
import { natTableRules } from "./kinds/natTable.js";
import { networkRules } from "./kinds/network.js";
import { networkIDRules } from "./kinds/networkId.js";
import { networkInterfaceRules } from "./kinds/networkInterface.js";
import { networkIPClaimRules } from "./kinds/networkIPClaim.js";
import { networkPolicyRules } from "./kinds/networkPolicy.js";
import { networkPolicyRuleRules } from "./kinds/networkPolicyRule.js";
import { nodeRules } from "./kinds/node.js";

const base = { group: apinetGroup, version: apinetVersion };

/**
 * The kinds ironcore-net serves: every kind of upstream's core.apinet.ironcore.dev/v1alpha1
 * plus NetworkIPClaim (internal: uniqueness of interface IPs within a network). `allocation` is
 * read on each write, so the definitions can be built before the server whose client it uses.
 */
export function apinetKindDefinitions(allocation: () => Allocation): KindDefinition[] {
  const claims = () => allocation().claims;
  const kinds = [
    {
      ...base,
      kind: "Network",
      plural: "networks",
      singular: "network",
      namespaced: true,
      hasStatus: true,
      schema: NetworkSchema,
      service: NetworkService,
      rules: networkRules,
      admission: networkAdmission(() => allocation().networkIDs),
      columns: [
        { name: "ID", jsonPath: ".spec.id" },
        { name: "PEERINGS", jsonPath: ".spec.peerings[*].name", priority: 1 },
      ],
    },
    {
      ...base,
      kind: "NetworkID",
      plural: "networkids",
      singular: "networkid",
      namespaced: false,
      hasStatus: false,
      schema: NetworkIDSchema,
      service: NetworkIDService,
      rules: networkIDRules,
      columns: [
        { name: "CLAIMER-NAMESPACE", jsonPath: ".spec.claimRef.namespace" },
        { name: "CLAIMER", jsonPath: ".spec.claimRef.name" },
      ],
    },
    {
      ...base,
      kind: "IP",
      plural: "ips",
      singular: "ip",
      namespaced: true,
      hasStatus: false,
      schema: IPSchema,
      service: IPService,
      rules: ipRules,
      admission: ipAdmission(() => allocation().ipAddresses),
      columns: [
        { name: "IP", jsonPath: ".spec.ip" },
        { name: "CLAIMER-KIND", jsonPath: ".spec.claimRef.resource" },
        { name: "CLAIMER", jsonPath: ".spec.claimRef.name" },
      ],
    },
    {
      ...base,
      kind: "IPAddress",
      plural: "ipaddresses",
      singular: "ipaddress",
      namespaced: false,
      hasStatus: false,
      schema: IPAddressSchema,
      service: IPAddressService,
      rules: ipAddressRules,
      admission: ipAddressAdmission(),
      columns: [
        { name: "CLAIMER-NAMESPACE", jsonPath: ".spec.claimRef.namespace" },
        { name: "CLAIMER", jsonPath: ".spec.claimRef.name" },
      ],
    },
    {
      ...base,
      // Internal: no typed gRPC service and no short name; reachable through the dynamic
      // ResourceService for debugging.
      kind: "NetworkIPClaim",
      plural: "networkipclaims",
      singular: "networkipclaim",
      namespaced: true,
      hasStatus: false,
      schema: NetworkIPClaimSchema,
      rules: networkIPClaimRules,
      columns: [
        { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
        { name: "IP", jsonPath: ".spec.ip" },
        { name: "INTERFACE", jsonPath: ".spec.claimRef.name" },
      ],
    },
    {
      ...base,
      kind: "NetworkInterface",
      plural: "networkinterfaces",
      singular: "networkinterface",
      shortNames: ["nic"],
      namespaced: true,
      hasStatus: true,
      schema: NetworkInterfaceSchema,
      service: NetworkInterfaceService,
      rules: networkInterfaceRules,
      admission: networkInterfaceAdmission(claims, new PublicIPClaimer(networkInterfaceClaimer, claims)),
      columns: [
        { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
        { name: "NODE", jsonPath: ".spec.nodeRef.name" },
        { name: "IPS", jsonPath: ".spec.ips" },
        { name: "PUBLIC-IPS", jsonPath: ".spec.publicIPs[*].ip" },
        { name: "STATE", jsonPath: ".status.state" },
      ],
    },
    {
      ...base,
      kind: "LoadBalancer",
      plural: "loadbalancers",
      singular: "loadbalancer",
      namespaced: true,
      hasStatus: true,
      schema: LoadBalancerSchema,
      service: LoadBalancerService,
      rules: loadBalancerRules,
      admission: new PublicIPClaimer(loadBalancerClaimer, claims).admission(),
      columns: [
        { name: "TYPE", jsonPath: ".spec.type" },
        { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
        { name: "IPS", jsonPath: ".spec.ips[*].ip" },
      ],
    },
    {
      ...base,
      kind: "LoadBalancerRouting",
      plural: "loadbalancerroutings",
      singular: "loadbalancerrouting",
      namespaced: true,
      hasStatus: false,
      schema: LoadBalancerRoutingSchema,
      service: LoadBalancerRoutingService,
      rules: loadBalancerRoutingRules,
      columns: [{ name: "DESTINATIONS", jsonPath: ".destinations[*].ip" }],
    },
    {
      ...base,
      kind: "NATGateway",
      plural: "natgateways",
      singular: "natgateway",
      namespaced: true,
      hasStatus: true,
      schema: NATGatewaySchema,
      service: NATGatewayService,
      rules: natGatewayRules,
      admission: new PublicIPClaimer(natGatewayClaimer, claims).admission(),
      columns: [
        { name: "IPFAMILY", jsonPath: ".spec.ipFamily" },
        { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
        { name: "IPS", jsonPath: ".spec.ips[*].ip" },
        { name: "USED", jsonPath: ".status.usedNATIPs", priority: 1 },
        { name: "REQUESTED", jsonPath: ".status.requestedNATIPs", priority: 1 },
      ],
    },
    {
      ...base,
      kind: "NATGatewayAutoscaler",
      plural: "natgatewayautoscalers",
      singular: "natgatewayautoscaler",
      namespaced: true,
      hasStatus: true,
      schema: NATGatewayAutoscalerSchema,
      service: NATGatewayAutoscalerService,
      rules: natGatewayAutoscalerRules,
      columns: [
        { name: "NATGATEWAY", jsonPath: ".spec.natGatewayRef.name" },
        { name: "MIN", jsonPath: ".spec.minPublicIPs" },
        { name: "MAX", jsonPath: ".spec.maxPublicIPs" },
      ],
    },
    {
      ...base,
      kind: "NATTable",
      plural: "nattables",
      singular: "nattable",
      namespaced: true,
      hasStatus: false,
      schema: NATTableSchema,
      service: NATTableService,
      rules: natTableRules,
      columns: [{ name: "IPS", jsonPath: ".ips[*].ip" }],
    },
    {
      ...base,
      kind: "NetworkPolicy",
      plural: "networkpolicies",
      singular: "networkpolicy",
      shortNames: ["netpol"],
      namespaced: true,
      hasStatus: false,
      schema: NetworkPolicySchema,
      service: NetworkPolicyService,
      rules: networkPolicyRules,
      columns: [
        { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
        { name: "POLICY-TYPES", jsonPath: ".spec.policyTypes" },
      ],
    },
    {
      ...base,
      kind: "NetworkPolicyRule",
      plural: "networkpolicyrules",
      singular: "networkpolicyrule",
      namespaced: true,
      hasStatus: false,
      schema: NetworkPolicyRuleSchema,
      service: NetworkPolicyRuleService,
      rules: networkPolicyRuleRules,
      columns: [
        { name: "NETWORK", jsonPath: ".networkRef.name" },
        { name: "TARGETS", jsonPath: ".targets[*].ip" },
      ],
    },
    {
      ...base,
      kind: "Node",
      plural: "nodes",
      singular: "node",
      namespaced: false,
      hasStatus: true,
      schema: NodeSchema,
      service: NodeService,
      rules: nodeRules,
    },
    {
      ...base,
      kind: "Instance",
      plural: "instances",
      singular: "instance",
      namespaced: true,
      hasStatus: true,
      schema: InstanceSchema,
      service: InstanceService,
      rules: instanceRules,
      columns: [
        { name: "TYPE", jsonPath: ".spec.loadBalancerType" },
        { name: "NODE", jsonPath: ".spec.nodeRef.name" },
        { name: "IPS", jsonPath: ".spec.ips" },
      ],
    },
    {
      ...base,
      kind: "DaemonSet",
      plural: "daemonsets",
      singular: "daemonset",
      namespaced: true,
      hasStatus: true,
      schema: DaemonSetSchema,
      service: DaemonSetService,
      rules: daemonSetRules,
    },
  ];
  // Each entry is checked against its own object type above; the server holds them side by side.
  return kinds as KindDefinition[];
}
