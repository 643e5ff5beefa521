import type { KindDefinition } from "@ironcore-ts/apiserver";
import { MachineSchema, MachineService } from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machine_pb.js";
import {
  MachineClassSchema,
  MachineClassService,
} from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machineclass_pb.js";
import {
  MachinePoolSchema,
  MachinePoolService,
} from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machinepool_pb.js";
import { PrefixSchema, PrefixService } from "@ironcore-ts/gen/ironcore/ipam/v1alpha1/prefix_pb.js";
import {
  LoadBalancerSchema,
  LoadBalancerService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancer_pb.js";
import {
  LoadBalancerRoutingSchema,
  LoadBalancerRoutingService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/loadbalancerrouting_pb.js";
import {
  NATGatewaySchema,
  NATGatewayService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/natgateway_pb.js";
import { NetworkSchema, NetworkService } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/network_pb.js";
import {
  NetworkInterfaceSchema,
  NetworkInterfaceService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import {
  NetworkPolicySchema,
  NetworkPolicyService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkpolicy_pb.js";
import {
  VirtualIPSchema,
  VirtualIPService,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/virtualip_pb.js";
import { loadBalancerRules } from "./kinds/loadBalancer.js";
import { loadBalancerRoutingRules } from "./kinds/loadBalancerRouting.js";
import { machineRules } from "./kinds/machine.js";
import { machineClassRules } from "./kinds/machineClass.js";
import { machinePoolRules } from "./kinds/machinePool.js";
import { natGatewayRules } from "./kinds/natGateway.js";
import { networkRules } from "./kinds/network.js";
import { networkInterfaceRules } from "./kinds/networkInterface.js";
import { networkPolicyRules } from "./kinds/networkPolicy.js";
import { prefixRules } from "./kinds/prefix.js";
import { virtualIPRules } from "./kinds/virtualIP.js";

export const networkingGroup = "networking.ironcore.dev";
export const computeGroup = "compute.ironcore.dev";
export const ipamGroup = "ipam.ironcore.dev";
const v1alpha1 = "v1alpha1";

/**
 * The kinds ironcore-api serves. Short names and columns follow upstream ironcore's, so
 * `ironcorectl get nic` reads like `kubectl get nic` against IronCore.
 */
export const ironcoreKinds: KindDefinition[] = [
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "Network",
    plural: "networks",
    singular: "network",
    shortNames: ["net"],
    namespaced: true,
    hasStatus: true,
    schema: NetworkSchema,
    service: NetworkService,
    rules: networkRules,
    columns: [
      { name: "STATE", jsonPath: ".status.state" },
      { name: "PROVIDER-ID", jsonPath: ".spec.providerID", priority: 1 },
      { name: "PEERINGS", jsonPath: ".spec.peerings[*].name", priority: 1 },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "NetworkInterface",
    plural: "networkinterfaces",
    singular: "networkinterface",
    shortNames: ["nic"],
    namespaced: true,
    hasStatus: true,
    schema: NetworkInterfaceSchema,
    service: NetworkInterfaceService,
    rules: networkInterfaceRules,
    columns: [
      { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
      { name: "MACHINE", jsonPath: ".spec.machineRef.name" },
      { name: "IPS", jsonPath: ".status.ips" },
      { name: "VIRTUALIP", jsonPath: ".status.virtualIP" },
      { name: "STATE", jsonPath: ".status.state" },
      { name: "PROVIDER-ID", jsonPath: ".spec.providerID", priority: 1 },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "VirtualIP",
    plural: "virtualips",
    singular: "virtualip",
    shortNames: ["vip"],
    namespaced: true,
    hasStatus: true,
    schema: VirtualIPSchema,
    service: VirtualIPService,
    rules: virtualIPRules,
    columns: [
      { name: "TYPE", jsonPath: ".spec.type" },
      { name: "IPFAMILY", jsonPath: ".spec.ipFamily" },
      { name: "IP", jsonPath: ".status.ip" },
      { name: "TARGET", jsonPath: ".spec.targetRef.name", priority: 1 },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "NATGateway",
    plural: "natgateways",
    singular: "natgateway",
    shortNames: ["ngw"],
    namespaced: true,
    hasStatus: true,
    schema: NATGatewaySchema,
    service: NATGatewayService,
    rules: natGatewayRules,
    columns: [
      { name: "TYPE", jsonPath: ".spec.type" },
      { name: "IPFAMILY", jsonPath: ".spec.ipFamily" },
      { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
      { name: "IPS", jsonPath: ".status.ips" },
      { name: "PORTS-PER-NIC", jsonPath: ".spec.portsPerNetworkInterface", priority: 1 },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "LoadBalancer",
    plural: "loadbalancers",
    singular: "loadbalancer",
    shortNames: ["lb"],
    namespaced: true,
    hasStatus: true,
    schema: LoadBalancerSchema,
    service: LoadBalancerService,
    rules: loadBalancerRules,
    columns: [
      { name: "TYPE", jsonPath: ".spec.type" },
      { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
      { name: "IPS", jsonPath: ".status.ips" },
      { name: "PORTS", jsonPath: ".spec.ports[*].port", priority: 1 },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "LoadBalancerRouting",
    plural: "loadbalancerroutings",
    singular: "loadbalancerrouting",
    shortNames: ["lbr", "lbrt"],
    namespaced: true,
    hasStatus: false,
    schema: LoadBalancerRoutingSchema,
    service: LoadBalancerRoutingService,
    rules: loadBalancerRoutingRules,
    columns: [
      { name: "NETWORK", jsonPath: ".networkRef.name" },
      { name: "DESTINATIONS", jsonPath: ".destinations[*].ip" },
    ],
  },
  {
    group: networkingGroup,
    version: v1alpha1,
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    singular: "networkpolicy",
    shortNames: ["netpol"],
    namespaced: true,
    hasStatus: true,
    schema: NetworkPolicySchema,
    service: NetworkPolicyService,
    rules: networkPolicyRules,
    columns: [
      { name: "NETWORK", jsonPath: ".spec.networkRef.name" },
      { name: "POLICY-TYPES", jsonPath: ".spec.policyTypes" },
    ],
  },
  {
    group: computeGroup,
    version: v1alpha1,
    kind: "Machine",
    plural: "machines",
    singular: "machine",
    shortNames: ["ma"],
    namespaced: true,
    hasStatus: true,
    schema: MachineSchema,
    service: MachineService,
    rules: machineRules,
    columns: [
      { name: "MACHINECLASS", jsonPath: ".spec.machineClassRef.name" },
      { name: "MACHINEPOOL", jsonPath: ".spec.machinePoolRef.name" },
      { name: "POWER", jsonPath: ".spec.power", priority: 1 },
      { name: "STATE", jsonPath: ".status.state" },
    ],
  },
  {
    group: computeGroup,
    version: v1alpha1,
    kind: "MachineClass",
    plural: "machineclasses",
    singular: "machineclass",
    shortNames: ["mc"],
    namespaced: false,
    hasStatus: false,
    schema: MachineClassSchema,
    service: MachineClassService,
    rules: machineClassRules,
    columns: [
      { name: "CPU", jsonPath: ".capabilities.cpu" },
      { name: "MEMORY", jsonPath: ".capabilities.memory" },
    ],
  },
  {
    group: computeGroup,
    version: v1alpha1,
    kind: "MachinePool",
    plural: "machinepools",
    singular: "machinepool",
    shortNames: ["mp"],
    namespaced: false,
    hasStatus: true,
    schema: MachinePoolSchema,
    service: MachinePoolService,
    rules: machinePoolRules,
    columns: [
      { name: "STATE", jsonPath: ".status.state" },
      { name: "CLASSES", jsonPath: ".status.availableMachineClasses[*].name", priority: 1 },
    ],
  },
  {
    group: ipamGroup,
    version: v1alpha1,
    kind: "Prefix",
    plural: "prefixes",
    singular: "prefix",
    namespaced: true,
    hasStatus: true,
    schema: PrefixSchema,
    service: PrefixService,
    rules: prefixRules,
    columns: [
      { name: "PREFIX", jsonPath: ".spec.prefix" },
      { name: "PARENT", jsonPath: ".spec.parentRef.name" },
      { name: "PHASE", jsonPath: ".status.phase" },
    ],
  },
];
