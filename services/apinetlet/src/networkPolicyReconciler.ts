/**
 * NetworkPolicy: ironcore NetworkPolicy -> apinet NetworkPolicy `<uid>` and NetworkPolicyRule
 * `<uid>`, the policy resolved to addresses, which metalnetlet turns into firewall rules
 * (reference ironcore-net.md section 7).
 *
 * - apinet NetworkPolicy: networkRef (the network's apinet name), the interface selector,
 *   priority 1000, ingress/egress copied (ports always carry `port`, 0 = all; the protocol
 *   defaults to TCP as ironcore documents it - metalnetlet upstream crashes on a missing one),
 *   policyTypes.
 * - Targets: Ready apinet NICs of the network matching the selector, one `{ip, targetRef}` per IP.
 * - Rule peers: ipBlocks as they are; objectSelector NetworkInterface -> host prefixes of the
 *   Ready apinet NICs of the network with matching labels; LoadBalancer -> host prefixes of the
 *   apinet load balancers of the network with matching labels. (Upstream takes load balancers
 *   of any network - all ironcore namespaces share one apinet namespace, so a policy could pick
 *   up another tenant's load balancers by label; they are restricted to the policy's network.)
 *   VirtualIP peers cannot be expressed in apinet: the policy gets Applied=False/UnsupportedPeer
 *   instead of being applied half (upstream fails the reconcile over and over).
 * - Labels: a selector sees the labels of the apinet object (those the machine provider
 *   propagated) merged over the labels of the ironcore object it stands for (origin
 *   metadata) - the labels users put on their NICs and load balancers, which is what a policy
 *   in the user API is written against. Upstream sees only the apinet labels.
 * - Recomputed when NICs, load balancers or their labels change on either side: apinet events
 *   are mapped back to the policies of the network they belong to. (Upstream's apinet watches
 *   enqueue apinet-side keys that never resolve to the ironcore policy (quirk), so targets
 *   refreshed only when the policy itself changed.)
 * Finalizer `apinet.ironcore.dev/networkpolicy`: removed right after the apinet objects are
 * deleted (nothing holds them).
 */
import {
  isDeleting,
  type LabelSelector,
  type SelectorOperator,
  selectorMatches,
} from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import type {
  NetworkPolicyEgressRuleJson as ApinetEgressRuleJson,
  NetworkPolicyIngressRuleJson as ApinetIngressRuleJson,
  NetworkPolicyPeerJson as ApinetPeerJson,
  NetworkPolicySpecJson as ApinetPolicySpecJson,
  NetworkPolicyPortJson as ApinetPortJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import type {
  ObjectIPJson,
  RuleJson,
  TargetNetworkInterfaceJson,
} from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicyrule_pb.js";
import type { LabelSelectorJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import type {
  NetworkPolicyPeerJson,
  NetworkPolicyPortJson,
} from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkpolicy_pb.js";
import type { Logger } from "pino";
import { withCondition } from "./conditions.js";
import { type ApinetletContext, isHandled, latest, latestOrWritten } from "./context.js";
import { indexes } from "./informers.js";
import {
  type ApinetLoadBalancerObject,
  type ApinetNetworkInterfaceObject,
  type ApinetNetworkObject,
  type ApinetNetworkPolicyObject,
  type ApinetNetworkPolicyRuleObject,
  apinetApiVersion,
  apinetRefs,
  finalizers,
  ironcoreRefs,
  type LoadBalancerObject,
  type NetworkInterfaceObject,
  type NetworkObject,
  type NetworkPolicyObject,
} from "./kinds.js";
import {
  addFinalizer,
  createOrGet,
  deleteObject,
  hasFinalizer,
  jsonEqual,
  keyOf,
  mergePatch,
  patchStatus,
  removeFinalizer,
  requeueOnRace,
  unique,
} from "./objects.js";
import { type OriginKind, originKey, originMetadata, originOf } from "./originMetadata.js";
import { deleteStaleApinetObjects } from "./staleApinetObjects.js";

export const policyPriority = 1000;
export const appliedConditionType = "Applied";

/** The generated JSON selector (operator is any string) as the apimachinery type. */
export function labelSelectorOf(json: LabelSelectorJson | undefined): LabelSelector {
  return {
    matchLabels: json?.matchLabels,
    matchExpressions: json?.matchExpressions?.map((r) => ({
      key: r.key ?? "",
      // Validation admits only the four operators; an unknown one matches nothing.
      operator: (r.operator ?? "") as SelectorOperator,
      values: r.values,
    })),
  };
}

export function policyPort(port: NetworkPolicyPortJson): ApinetPortJson {
  return { protocol: port.protocol || "TCP", port: port.port ?? 0, endPort: port.endPort };
}

/** `10.0.0.1` -> `{IPv4, 10.0.0.1/32}`. */
export function hostPrefix(ip: string): ObjectIPJson {
  return ip.includes(":")
    ? { ipFamily: "IPv6", prefix: `${ip}/128` }
    : { ipFamily: "IPv4", prefix: `${ip}/32` };
}

function apinetPeer(peer: NetworkPolicyPeerJson): ApinetPeerJson {
  if (peer.ipBlock) return { ipBlock: { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except } };
  if (peer.objectSelector) {
    const s = peer.objectSelector;
    return {
      objectSelector: { kind: s.kind, matchLabels: s.matchLabels, matchExpressions: s.matchExpressions },
    };
  }
  return {};
}

/** The apinet policy spec (without networkRef checks: the caller has the network). */
export function desiredPolicySpec(policy: NetworkPolicyObject, networkName: string): ApinetPolicySpecJson {
  const spec = policy.spec ?? {};
  return {
    networkRef: { name: networkName },
    networkInterfaceSelector: spec.networkInterfaceSelector ?? {},
    priority: policyPriority,
    ingress: (spec.ingress ?? []).map(
      (r): ApinetIngressRuleJson => ({
        from: (r.from ?? []).map(apinetPeer),
        ports: (r.ports ?? []).map(policyPort),
      }),
    ),
    egress: (spec.egress ?? []).map(
      (r): ApinetEgressRuleJson => ({
        to: (r.to ?? []).map(apinetPeer),
        ports: (r.ports ?? []).map(policyPort),
      }),
    ),
    policyTypes: spec.policyTypes,
  };
}

/** Peers that cannot be expressed in apinet (objectSelector kinds other than NIC and LB). */
export function unsupportedPeers(policy: NetworkPolicyObject): string[] {
  const peers = [
    ...(policy.spec?.ingress ?? []).flatMap((r) => r.from ?? []),
    ...(policy.spec?.egress ?? []).flatMap((r) => r.to ?? []),
  ];
  return unique(
    peers.flatMap((p) => {
      const kind = p.objectSelector?.kind;
      return kind && kind !== "NetworkInterface" && kind !== "LoadBalancer" ? [kind] : [];
    }),
  );
}

export interface PolicyWorld {
  /** Apinet NICs of the policy's network. */
  networkInterfaces: readonly ApinetNetworkInterfaceObject[];
  /** Apinet load balancers of the policy's network. */
  loadBalancers: readonly ApinetLoadBalancerObject[];
  /** The labels a selector sees on an apinet NIC. */
  labelsOfNIC(nic: ApinetNetworkInterfaceObject): Record<string, string>;
  /** The labels a selector sees on an apinet load balancer. */
  labelsOfLB(lb: ApinetLoadBalancerObject): Record<string, string>;
}

const byPrefix = (a: ObjectIPJson, b: ObjectIPJson) => (a.prefix ?? "").localeCompare(b.prefix ?? "");

function peerIPs(peers: readonly NetworkPolicyPeerJson[], world: PolicyWorld): ObjectIPJson[] {
  const prefixes = new Map<string, ObjectIPJson>();
  for (const peer of peers) {
    const s = peer.objectSelector;
    if (!s) continue;
    const selector = labelSelectorOf({ matchLabels: s.matchLabels, matchExpressions: s.matchExpressions });
    if (s.kind === "NetworkInterface") {
      for (const nic of world.networkInterfaces) {
        if (nic.status?.state !== "Ready" || isDeleting(nic)) continue;
        if (!selectorMatches(selector, world.labelsOfNIC(nic))) continue;
        for (const ip of nic.spec?.ips ?? []) prefixes.set(hostPrefix(ip).prefix!, hostPrefix(ip));
      }
    } else if (s.kind === "LoadBalancer") {
      for (const lb of world.loadBalancers) {
        if (isDeleting(lb) || !selectorMatches(selector, world.labelsOfLB(lb))) continue;
        for (const entry of lb.spec?.ips ?? []) {
          if (entry.ip) prefixes.set(hostPrefix(entry.ip).prefix!, hostPrefix(entry.ip));
        }
      }
    }
  }
  return [...prefixes.values()].sort(byPrefix);
}

function rule(
  peers: readonly NetworkPolicyPeerJson[],
  ports: readonly NetworkPolicyPortJson[],
  world: PolicyWorld,
): RuleJson {
  return {
    ipBlock: peers.flatMap((p) =>
      p.ipBlock?.cidr ? [{ cidr: p.ipBlock.cidr, except: p.ipBlock.except }] : [],
    ),
    ips: peerIPs(peers, world),
    networkPolicyPorts: ports.map(policyPort),
  };
}

/** Targets and rules of the NetworkPolicyRule. */
export function desiredRuleContent(
  policy: NetworkPolicyObject,
  world: PolicyWorld,
): { targets: TargetNetworkInterfaceJson[]; ingressRule: RuleJson[]; egressRule: RuleJson[] } {
  const selector = labelSelectorOf(policy.spec?.networkInterfaceSelector);
  const targets = world.networkInterfaces
    .filter(
      (nic) =>
        nic.status?.state === "Ready" &&
        !isDeleting(nic) &&
        selectorMatches(selector, world.labelsOfNIC(nic)),
    )
    .flatMap((nic) =>
      (nic.spec?.ips ?? []).map((ip) => ({
        ip,
        targetRef: { name: nic.metadata.name, uid: nic.metadata.uid },
      })),
    )
    .sort((a, b) => a.ip.localeCompare(b.ip));
  return {
    targets,
    ingressRule: (policy.spec?.ingress ?? []).map((r) => rule(r.from ?? [], r.ports ?? [], world)),
    egressRule: (policy.spec?.egress ?? []).map((r) => rule(r.to ?? [], r.ports ?? [], world)),
  };
}

export function networkPolicyReconciler(ctx: ApinetletContext): Controller {
  const { settings } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;

  /** Labels of the ironcore object an apinet object stands for (if it is still that object). */
  function ironcoreLabelsOf(kind: OriginKind, obj: ApinetNetworkInterfaceObject | ApinetLoadBalancerObject) {
    const origin = originOf(kind, obj);
    if (!origin) return {};
    const key = keyOf(origin.namespace, origin.name);
    const source: NetworkInterfaceObject | LoadBalancerObject | undefined =
      kind === "networkinterface" ? ic.networkInterfaces.get(key) : ic.loadBalancers.get(key);
    return source?.metadata.uid === origin.uid ? (source.metadata.labels ?? {}) : {};
  }

  const world = (networkName: string): PolicyWorld => ({
    networkInterfaces: an.networkInterfaces.byIndex(indexes.network, networkName),
    loadBalancers: an.loadBalancers.byIndex(indexes.network, networkName),
    labelsOfNIC: (nic) => ({ ...ironcoreLabelsOf("networkinterface", nic), ...(nic.metadata.labels ?? {}) }),
    labelsOfLB: (lb) => ({ ...ironcoreLabelsOf("loadbalancer", lb), ...(lb.metadata.labels ?? {}) }),
  });

  async function setApplied(
    policy: NetworkPolicyObject,
    next: { status: "True" | "False"; reason: string; message?: string },
  ) {
    const conditions = withCondition(policy.status?.conditions, appliedConditionType, next);
    if (conditions) await patchStatus(ctx.ironcore, ironcoreRefs.NetworkPolicy, policy, { conditions });
  }

  async function finalize(policy: NetworkPolicyObject, log: Logger) {
    if (!hasFinalizer(policy, finalizers.networkPolicy)) return;
    const uid = policy.metadata.uid ?? "";
    await deleteObject(ctx.apinet, apinetRefs.NetworkPolicyRule, namespace, uid);
    await deleteObject(ctx.apinet, apinetRefs.NetworkPolicy, namespace, uid);
    // Upstream removes the finalizer right after the delete calls: nothing on the apinet side
    // holds these objects back.
    await removeFinalizer(ctx.ironcore, ironcoreRefs.NetworkPolicy, policy, finalizers.networkPolicy);
    log.info("apinet network policy deleted; finalizer removed");
  }

  async function apply(policy: NetworkPolicyObject, log: Logger) {
    const uid = policy.metadata.uid ?? "";
    const unsupported = unsupportedPeers(policy);
    if (unsupported.length > 0) {
      await setApplied(policy, {
        status: "False",
        reason: "UnsupportedPeer",
        message: `objectSelector kind ${unsupported.join(", ")} cannot be expressed in ironcore-net (NetworkInterface and LoadBalancer can)`,
      });
      log.warn({ kinds: unsupported }, "network policy has peers that cannot be applied");
      return;
    }
    const network: NetworkObject | undefined = ic.networks.get(
      keyOf(policy.metadata.namespace, policy.spec?.networkRef?.name ?? ""),
    );
    const apinetNetwork: ApinetNetworkObject | undefined = network?.metadata.uid
      ? latestOrWritten(
          ctx,
          apinetRefs.Network,
          an.networks.get(keyOf(namespace, network.metadata.uid)),
          namespace,
          network.metadata.uid,
        )
      : undefined;
    if (!network || !apinetNetwork?.metadata.uid) {
      log.info({ network: policy.spec?.networkRef?.name }, "waiting for the network");
      return;
    }
    if (!hasFinalizer(policy, finalizers.networkPolicy)) {
      policy = await addFinalizer(ctx.ironcore, ironcoreRefs.NetworkPolicy, policy, finalizers.networkPolicy);
    }
    const origin = originMetadata("networkpolicy", policy);
    const networkName = apinetNetwork.metadata.name ?? "";
    const spec = desiredPolicySpec(policy, networkName);

    let current = latestOrWritten(
      ctx,
      apinetRefs.NetworkPolicy,
      an.networkPolicies.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    if (!current) {
      current = (
        await createOrGet<ApinetNetworkPolicyObject>(ctx.apinet, apinetRefs.NetworkPolicy, {
          apiVersion: apinetApiVersion,
          kind: "NetworkPolicy",
          metadata: { namespace, name: uid, ...origin },
          spec,
        })
      ).object;
    }
    if (!jsonEqual(current.spec, spec)) {
      current = await ctx.apinet.patch<ApinetNetworkPolicyObject>(
        apinetRefs.NetworkPolicy,
        namespace,
        uid,
        mergePatch({
          metadata: origin,
          spec: { ...spec, ingress: spec.ingress ?? null, egress: spec.egress ?? null },
        }),
      );
      log.info("updated apinet network policy");
    }

    const content = desiredRuleContent(policy, world(networkName));
    const owner = {
      apiVersion: apinetApiVersion,
      kind: "NetworkPolicy",
      name: uid,
      uid: current.metadata.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    };
    const desiredRule: ApinetNetworkPolicyRuleObject = {
      apiVersion: apinetApiVersion,
      kind: "NetworkPolicyRule",
      metadata: { namespace, name: uid, ...origin, ownerReferences: [owner] },
      networkRef: { name: networkName, uid: apinetNetwork.metadata.uid },
      priority: policyPriority,
      ...content,
    };
    const existing = latestOrWritten(
      ctx,
      apinetRefs.NetworkPolicyRule,
      an.networkPolicyRules.get(keyOf(namespace, uid)),
      namespace,
      uid,
    );
    const ruleObj =
      existing ?? (await createOrGet(ctx.apinet, apinetRefs.NetworkPolicyRule, desiredRule)).object;
    const same =
      jsonEqual(ruleObj.networkRef, desiredRule.networkRef) &&
      ruleObj.priority === desiredRule.priority &&
      jsonEqual(ruleObj.targets, content.targets) &&
      jsonEqual(ruleObj.ingressRule, content.ingressRule) &&
      jsonEqual(ruleObj.egressRule, content.egressRule) &&
      ruleObj.metadata.ownerReferences?.some((r) => r.uid === owner.uid && r.controller);
    if (!same) {
      await ctx.apinet.patch(
        apinetRefs.NetworkPolicyRule,
        namespace,
        uid,
        mergePatch({
          metadata: { ...origin, ownerReferences: [owner] },
          networkRef: desiredRule.networkRef,
          priority: policyPriority,
          targets: content.targets.length > 0 ? content.targets : null,
          ingressRule: content.ingressRule.length > 0 ? content.ingressRule : null,
          egressRule: content.egressRule.length > 0 ? content.egressRule : null,
        }),
      );
      log.info(
        {
          targets: content.targets.map((t) => t.ip),
          ingress: content.ingressRule.length,
          egress: content.egressRule.length,
        },
        "updated apinet network policy rule",
      );
    }
    await setApplied(policy, { status: "True", reason: "Applied" });
  }

  /** Policies of the ironcore network with `namespace/name` key. */
  const policiesOfNetwork = (networkKey: string | undefined) =>
    networkKey
      ? ic.networkPolicies
          .byIndex(indexes.network, networkKey)
          .map((p) => keyOf(p.metadata.namespace, p.metadata.name ?? ""))
      : [];
  /** Policies of the network an apinet object (NIC, load balancer) is in: its networkRef is the network's uid. */
  const policiesOfApinetNetwork = (networkUID: string | undefined) =>
    ic.networks
      .byIndex(indexes.uid, networkUID ?? "")
      .flatMap((n) => policiesOfNetwork(keyOf(n.metadata.namespace, n.metadata.name ?? "")));
  const byNetworkRef = (obj: {
    metadata: { namespace?: string };
    spec?: { networkRef?: { name?: string } };
  }) =>
    obj.spec?.networkRef?.name
      ? policiesOfNetwork(keyOf(obj.metadata.namespace, obj.spec.networkRef.name))
      : [];

  return new Controller({
    name: "networkpolicy",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: Math.max(2, Math.ceil(settings.concurrency / 4)),
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const policy = latest(ctx, ironcoreRefs.NetworkPolicy, ic.networkPolicies.get(key));
      if (policy && !isHandled(settings, policy)) return;
      await deleteStaleApinetObjects(
        ctx.apinet,
        { kind: "networkpolicy", key, uid: policy?.metadata.uid },
        [
          { informer: an.networkPolicyRules, ref: apinetRefs.NetworkPolicyRule },
          { informer: an.networkPolicies, ref: apinetRefs.NetworkPolicy },
        ],
        log,
        "apinet network policies whose policy is gone",
      );
      if (!policy) return;
      if (isDeleting(policy)) return finalize(policy, log);
      return apply(policy, log);
    }),
  })
    .watch(ic.networkPolicies)
    .watch(
      an.networkPolicies,
      enqueueMapped((a: ApinetNetworkPolicyObject) => originKey("networkpolicy", a)),
    )
    .watch(
      an.networkPolicyRules,
      enqueueMapped((a: ApinetNetworkPolicyRuleObject) => originKey("networkpolicy", a)),
    )
    .watch(
      an.networks,
      enqueueMapped((a: ApinetNetworkObject) => policiesOfNetwork(originKey("network", a))),
    )
    .watch(
      an.networkInterfaces,
      enqueueMapped((a: ApinetNetworkInterfaceObject) => policiesOfApinetNetwork(a.spec?.networkRef?.name)),
    )
    .watch(
      an.loadBalancers,
      enqueueMapped((a: ApinetLoadBalancerObject) => policiesOfApinetNetwork(a.spec?.networkRef?.name)),
    )
    .watch(ic.networkInterfaces, enqueueMapped(byNetworkRef))
    .watch(ic.loadBalancers, enqueueMapped(byNetworkRef));
}
