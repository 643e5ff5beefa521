import type { ApiObject, OwnerReference } from "./objectMeta.js";

export function controllerOf(obj: ApiObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: ApiObject, owner: ApiObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

export function isOwnedBy(obj: ApiObject, ownerUid: string): boolean {
  return obj.metadata.ownerReferences?.some((r) => r.uid === ownerUid) ?? false;
}

/** The reference a controller puts on objects it creates for `owner`. */
export function controllerReference(owner: ApiObject): OwnerReference {
  if (!owner.apiVersion || !owner.kind || !owner.metadata.name || !owner.metadata.uid) {
    throw new Error("controllerReference: owner needs apiVersion, kind, name and uid");
  }
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Returns the owner references with `ref` added or replacing the one of the same uid. */
export function withOwnerReference(refs: readonly OwnerReference[] | undefined, ref: OwnerReference) {
  const rest = (refs ?? []).filter((r) => r.uid !== ref.uid);
  return [...rest, ref];
}
