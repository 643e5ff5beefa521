/**
 * Origin metadata: how an apinet object says which ironcore object it stands for (reference
 * ironcore-net.md section 7). Every object apinetlet creates or claims carries
 *   labels      apinetlet.ironcore.dev/<kind>-uid, apinetlet.ironcore.dev/<kind>-namespace
 *   annotation  apinetlet.ironcore.dev/<kind>-name
 * for kind in network, virtualip, loadbalancer, natgateway, networkinterface, networkpolicy.
 *
 * The name is an annotation because ironcore names may be DNS subdomains of up to 253
 * characters, longer than a label value may be. Labels carry uid and namespace so that apinet
 * objects can be selected by them.
 *
 * apinet events are mapped back to the ironcore object through these (`originKey`): a change or
 * deletion on the apinet side wakes the ironcore object up, and an apinet object whose ironcore
 * object is gone is found and deleted - also at start-up, when the informers list everything,
 * so nothing is left behind after a crash.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { objectKey } from "@ironcore-ts/apimachinery";

export const originKinds = [
  "network",
  "virtualip",
  "loadbalancer",
  "natgateway",
  "networkinterface",
  "networkpolicy",
] as const;

export type OriginKind = (typeof originKinds)[number];

const prefix = "apinetlet.ironcore.dev";

export function originUIDLabel(kind: OriginKind): string {
  return `${prefix}/${kind}-uid`;
}

export function originNamespaceLabel(kind: OriginKind): string {
  return `${prefix}/${kind}-namespace`;
}

export function originNameAnnotation(kind: OriginKind): string {
  return `${prefix}/${kind}-name`;
}

/** The origin labels for `obj` (an ironcore object). */
export function originLabels(kind: OriginKind, obj: ApiObject): Record<string, string> {
  return {
    [originUIDLabel(kind)]: obj.metadata.uid ?? "",
    [originNamespaceLabel(kind)]: obj.metadata.namespace ?? "",
  };
}

/** The origin annotations for `obj` (an ironcore object). */
export function originAnnotations(kind: OriginKind, obj: ApiObject): Record<string, string> {
  return { [originNameAnnotation(kind)]: obj.metadata.name ?? "" };
}

/** Labels and annotations together, as they go into an apinet object's metadata. */
export function originMetadata(
  kind: OriginKind,
  obj: ApiObject,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return { labels: originLabels(kind, obj), annotations: originAnnotations(kind, obj) };
}

export interface Origin {
  namespace: string;
  name: string;
  uid: string;
}

/**
 * The ironcore object an apinet object stands for, or undefined if it carries no (complete)
 * origin of this kind. Upstream once kept the name in a label; a name label is still read so
 * objects written that way are found (upstream migrates them at start; reading both needs no
 * migration step).
 */
export function originOf(kind: OriginKind, obj: ApiObject): Origin | undefined {
  const labels = obj.metadata.labels ?? {};
  const uid = labels[originUIDLabel(kind)];
  const namespace = labels[originNamespaceLabel(kind)];
  const name = obj.metadata.annotations?.[originNameAnnotation(kind)] ?? labels[`${prefix}/${kind}-name`];
  if (!uid || namespace === undefined || !name) return undefined;
  return { namespace, name, uid };
}

/** `namespace/name` of the ironcore object an apinet object stands for. */
export function originKey(kind: OriginKind, obj: ApiObject): string | undefined {
  const origin = originOf(kind, obj);
  return origin ? objectKey(origin) : undefined;
}

/** Whether the apinet object carries the origin of exactly this ironcore object (uid included). */
export function hasOrigin(kind: OriginKind, apinetObj: ApiObject, ironcoreObj: ApiObject): boolean {
  return originOf(kind, apinetObj)?.uid === ironcoreObj.metadata.uid;
}

/** A merge patch that removes the origin metadata of `kind` (releasing a claimed object). */
export function removeOriginPatch(kind: OriginKind): {
  labels: Record<string, null>;
  annotations: Record<string, null>;
} {
  return {
    labels: { [originUIDLabel(kind)]: null, [originNamespaceLabel(kind)]: null },
    annotations: { [originNameAnnotation(kind)]: null },
  };
}
