/**
 * The apinet object types the ironcore-net controllers read and write (the generated JSON shapes
 * plus the machinery's metadata), and small helpers they share: not-found tolerant reads and
 * deletes, conflict-aware reconcilers, canonical JSON for "is a write needed" comparisons.
 */
import { type DescMessage, fromJson, type JsonObject, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  type ApiObject,
  isApiError,
  type LabelSelector,
  objectKey,
  type SelectorOperator,
} from "@ironcore-ts/apimachinery";
import type { Reconciler } from "@ironcore-ts/controller";
import type { DaemonSetJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/daemonset_pb.js";
import type { InstanceJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/instance_pb.js";
import type { LoadBalancerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancer_pb.js";
import type { LoadBalancerRoutingJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/loadbalancerrouting_pb.js";
import type { NATGatewayJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgateway_pb.js";
import type { NATGatewayAutoscalerJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/natgatewayautoscaler_pb.js";
import type { NATTableJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/nattable_pb.js";
import type { NetworkInterfaceJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import type { NetworkPolicyJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicy_pb.js";
import type { NetworkPolicyRuleJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkpolicyrule_pb.js";
import type { NodeJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/node_pb.js";
import type { LabelSelectorJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";

export type NATGatewayObject = NATGatewayJson & ApiObject;
export type NATGatewayAutoscalerObject = NATGatewayAutoscalerJson & ApiObject;
export type NATTableObject = NATTableJson & ApiObject;
export type NetworkInterfaceObject = NetworkInterfaceJson & ApiObject;
export type LoadBalancerObject = LoadBalancerJson & ApiObject;
export type LoadBalancerRoutingObject = LoadBalancerRoutingJson & ApiObject;
export type DaemonSetObject = DaemonSetJson & ApiObject;
export type InstanceObject = InstanceJson & ApiObject;
export type NodeObject = NodeJson & ApiObject;
export type NetworkPolicyObject = NetworkPolicyJson & ApiObject;
export type NetworkPolicyRuleObject = NetworkPolicyRuleJson & ApiObject;

/** `namespace/name`, the key informers and work queues use. */
export function keyOf(namespace: string | undefined, name: string): string {
  return objectKey({ namespace, name });
}

/** The object, or undefined when it does not exist. */
export async function getIfExists<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

/** Deletes, treating "already gone" as success; true if this call deleted (or started deleting) it. */
export async function deleteIfExists(deletion: Promise<unknown>): Promise<boolean> {
  return (await getIfExists(deletion)) !== undefined;
}

/**
 * Conflicts are the normal outcome of optimistic concurrency (someone wrote first, or created
 * what this reconcile was about to create): look at the key again soon, without an error line.
 * Everything else fails the reconcile (back-off).
 */
export function requeueOnConflict(reconcile: Reconciler): Reconciler {
  return async (key, signal, log) => {
    try {
      return await reconcile(key, signal, log);
    } catch (err) {
      if (!isApiError(err, "Conflict") && !isApiError(err, "AlreadyExists")) throw err;
      log.debug({ err }, "conflict: looking again");
      return { requeue: true };
    }
  };
}

/** Several failures of one reconcile as one error, so the key is retried with back-off. */
export function failIfAny(errors: readonly unknown[], what: string): void {
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0];
  throw new AggregateError(errors, `${what}: ${errors.length} errors`);
}

/**
 * A value in the server's canonical JSON form (what `toJson(fromJson(...))` of its message gives:
 * empty lists, zero numbers and empty strings dropped), so a desired value built by hand compares
 * equal to the stored one exactly when writing it would change nothing.
 */
export function canonicalJson<T>(schema: DescMessage, value: T): T {
  return toJson(schema, fromJson(schema, JSON.parse(JSON.stringify(value ?? {})) as JsonValue)) as T;
}

/**
 * A JSON merge patch from a typed value: undefined members are dropped, null stays (it removes
 * the member on the server).
 */
export function mergePatch(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/**
 * The object as it would travel over the wire: members left `undefined` dropped. The in-process
 * client hands objects to the server as they are, and its schema check refuses `undefined`.
 */
export function wireForm<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
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

const randomAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** `length` random characters that are valid in DNS labels (the Kubernetes name-suffix alphabet). */
export function randomSuffix(length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += randomAlphabet[Math.floor(Math.random() * randomAlphabet.length)];
  return s;
}

/** FNV-32a of a string's UTF-8 bytes (the hash upstream uses for revision labels). */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
