/** Owner of an object; a `controller: true` owner is the one that manages it (at most one). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Kubernetes object metadata in its JSON form. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/**
 * Any API object in its JSON form. Kinds keep their own fields (`spec`, `status`, or top-level
 * fields such as LoadBalancerRouting's `destinations`); the machinery only relies on these.
 */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function objectKey(meta: Pick<ObjectMeta, "namespace" | "name">): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : (meta.name ?? "");
}

export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function isDeleting(obj: ApiObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}

export function hasFinalizer(obj: ApiObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function nowTimestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
