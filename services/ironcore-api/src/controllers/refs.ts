/**
 * The kinds the ironcore controllers read and write, as `{apiVersion, kind}` references for an
 * ObjectClient, and small helpers around them.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { isApiError, objectKey } from "@ironcore-ts/apimachinery";
import type { KindRef } from "@ironcore-ts/client";
import type { Reconciler } from "@ironcore-ts/controller";
import { computeGroup, ipamGroup, networkingGroup } from "../kindDefinitions.js";

export const networkingApiVersion = `${networkingGroup}/v1alpha1`;
export const computeApiVersion = `${computeGroup}/v1alpha1`;
export const ipamApiVersion = `${ipamGroup}/v1alpha1`;

export const refs = {
  Network: { apiVersion: networkingApiVersion, kind: "Network" },
  NetworkInterface: { apiVersion: networkingApiVersion, kind: "NetworkInterface" },
  VirtualIP: { apiVersion: networkingApiVersion, kind: "VirtualIP" },
  NATGateway: { apiVersion: networkingApiVersion, kind: "NATGateway" },
  LoadBalancer: { apiVersion: networkingApiVersion, kind: "LoadBalancer" },
  LoadBalancerRouting: { apiVersion: networkingApiVersion, kind: "LoadBalancerRouting" },
  Machine: { apiVersion: computeApiVersion, kind: "Machine" },
  MachinePool: { apiVersion: computeApiVersion, kind: "MachinePool" },
  Prefix: { apiVersion: ipamApiVersion, kind: "Prefix" },
} as const satisfies Record<string, KindRef>;

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

/** Deletes, treating "already gone" as success. */
export async function deleteIfExists(read: Promise<unknown>): Promise<void> {
  await getIfExists(read);
}

/**
 * An object as it travels: members that are undefined are dropped. The in-process client
 * validates objects as given, and its schema check refuses an undefined member where the gRPC
 * client would silently drop it; built objects go through this before they are written.
 */
export function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A JSON merge patch from a typed value: undefined members are dropped (they would not survive
 * the wire anyway), null stays (it removes the member on the server).
 */
export function mergePatch(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** Several failures of one reconcile as one error, so the key is retried with back-off. */
export function failIfAny(errors: readonly unknown[], what: string): void {
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0];
  throw new AggregateError(errors, `${what}: ${errors.length} errors`);
}

/**
 * Conflicts are normal when several writers share an object (a write with a stale version is
 * refused): the key is looked at again soon, without an error line, like controller-runtime's
 * requeue on conflict. Everything else still fails the reconcile.
 */
export function requeueOnConflict(reconcile: Reconciler): Reconciler {
  return async (key, signal, log) => {
    try {
      return await reconcile(key, signal, log);
    } catch (err) {
      if (!isApiError(err, "Conflict")) throw err;
      log.debug({ err }, "conflict: looking again");
      return { requeue: true };
    }
  };
}
