/**
 * What the ephemeral controllers (Machine -> NetworkInterface, NetworkInterface -> VirtualIP /
 * Prefix, LoadBalancer -> Prefix) share: the marker annotation, the "managed" test, the
 * desired-vs-existing diff, and the Prefix built from a prefix template.
 * Reference: ironcore-api.md section 11.
 */
import {
  type ApiObject,
  controllerReference,
  isApiError,
  isControlledBy,
  isDeleting,
} from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient } from "@ironcore-ts/client";
import type { PrefixTemplateSpecJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/networkinterface_pb.js";
import type { Logger } from "pino";
import type { PrefixObject } from "../kinds/prefix.js";
import { deleteIfExists, keyOf, refs, wire } from "./refs.js";

/** Marks an object as created by an ephemeral controller (together with the controller reference). */
export const ephemeralManagedByAnnotation = "common.ironcore.dev/ephemeral-managed-by";
export const ephemeralManagerName = "ephemeral-manager";

/** Template annotations plus the ephemeral marker. */
export function withEphemeralAnnotation(
  annotations: Record<string, string> | undefined,
): Record<string, string> {
  return { ...annotations, [ephemeralManagedByAnnotation]: ephemeralManagerName };
}

export function hasEphemeralAnnotation(obj: ApiObject): boolean {
  return obj.metadata.annotations?.[ephemeralManagedByAnnotation] === ephemeralManagerName;
}

/**
 * "Managed" (section 11): controlled by `owner` **and** carrying the marker annotation. Objects
 * that fail either test are never changed or deleted by an ephemeral controller, so a user's
 * object that happens to have the right name is safe.
 */
export function isEphemeralManagedBy(obj: ApiObject, owner: ApiObject): boolean {
  return isControlledBy(obj, owner) && hasEphemeralAnnotation(obj);
}

export interface EphemeralChildren<T extends ApiObject> {
  client: ObjectClient;
  ref: KindRef;
  log: Logger;
  /** Every object of the kind in the owner's namespace (managed or not). */
  existing: readonly T[];
  /** The objects the owner asks for, by name. */
  desired: ReadonlyMap<string, T>;
  isManaged(obj: T): boolean;
  /**
   * For a managed object that is still desired: bring what the controller owns up to date. Most
   * controllers leave such objects alone (templates are not re-applied, as upstream).
   */
  updateManaged?(existing: T, desired: T): Promise<void>;
}

export interface EphemeralChildrenResult {
  /** Names the owner asks for that are taken by objects it does not manage (never adopted). */
  notManaged: string[];
  /** Failures of single objects; the caller returns them so the owner is retried with back-off. */
  errors: unknown[];
}

/**
 * The desired-vs-existing diff every ephemeral controller runs:
 * - managed and desired: leave it (or `updateManaged`);
 * - managed and no longer desired: delete it, unless it is already being deleted;
 * - not managed but of a desired name: never adopt it; leave it alone and report the name;
 * - desired and missing: create it; AlreadyExists (a cache behind the API) means re-read it and
 *   treat it as existing.
 * One failing object does not stop the others; failures are collected.
 */
export async function reconcileEphemeralChildren<T extends ApiObject>(
  spec: EphemeralChildren<T>,
): Promise<EphemeralChildrenResult> {
  const { client, ref, log, desired, isManaged } = spec;
  const result: EphemeralChildrenResult = { notManaged: [], errors: [] };
  const seen = new Set<string>();

  const settle = async (obj: T) => {
    const name = obj.metadata.name!;
    const want = desired.get(name);
    if (isManaged(obj)) {
      if (want) await spec.updateManaged?.(obj, want);
      else if (!isDeleting(obj)) {
        log.info({ kind: ref.kind, object: keyOf(obj.metadata.namespace, name) }, "deleting unwanted object");
        await deleteIfExists(client.delete(ref, obj.metadata.namespace, name));
      }
      return;
    }
    if (!want) return;
    result.notManaged.push(name);
    log.warn(
      { kind: ref.kind, object: keyOf(obj.metadata.namespace, name) },
      `won't adopt ${ref.kind} ${keyOf(obj.metadata.namespace, name)}: it exists but is not managed by its owner (controller reference + ${ephemeralManagedByAnnotation} annotation); leaving it alone`,
    );
  };

  for (const obj of spec.existing) {
    seen.add(obj.metadata.name!);
    try {
      await settle(obj);
    } catch (err) {
      result.errors.push(err);
    }
  }
  for (const [name, obj] of desired) {
    if (seen.has(name)) continue;
    try {
      await client.create(wire(obj));
      log.info({ kind: ref.kind, object: keyOf(obj.metadata.namespace, name) }, "created");
    } catch (err) {
      if (!isApiError(err, "AlreadyExists")) {
        result.errors.push(err);
        continue;
      }
      try {
        await settle(await client.get<T>(ref, obj.metadata.namespace, name));
      } catch (readErr) {
        result.errors.push(readErr);
      }
    }
  }
  return result;
}

/**
 * The Prefix an ephemeral template becomes: template labels and annotations plus the marker,
 * the template's spec, and a controller reference to the owner (NIC or LoadBalancer), so the
 * Prefix goes with its owner.
 */
export function ephemeralPrefix(
  owner: ApiObject,
  name: string,
  template: PrefixTemplateSpecJson,
): PrefixObject {
  return {
    apiVersion: refs.Prefix.apiVersion,
    kind: refs.Prefix.kind,
    metadata: {
      namespace: owner.metadata.namespace,
      name,
      labels: template.metadata?.labels,
      annotations: withEphemeralAnnotation(template.metadata?.annotations),
      ownerReferences: [controllerReference(owner)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/**
 * The owners a Prefix name may belong to: `<owner>-<i>` (IPs) or `<nic>-pf-<i>` (routed
 * prefixes). Both readings are returned for names like `a-pf-1`; reconciling a key that is not
 * an owner is harmless.
 */
export function ephemeralPrefixOwnerNames(prefixName: string): string[] {
  const names: string[] = [];
  const routed = /^(.+)-pf-\d+$/.exec(prefixName);
  if (routed) names.push(routed[1]!);
  const ip = /^(.+)-\d+$/.exec(prefixName);
  if (ip) names.push(ip[1]!);
  return names;
}
