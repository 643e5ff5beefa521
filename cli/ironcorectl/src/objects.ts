import type { ApiObject } from "@ironcore-ts/apimachinery";

/** Accessors for objects that came from a file and may be missing any field. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function metadataOf(obj: Record<string, unknown>): Record<string, unknown> {
  return isRecord(obj.metadata) ? obj.metadata : {};
}

export function nameOf(obj: Record<string, unknown>): string {
  const name = metadataOf(obj).name;
  return typeof name === "string" ? name : "";
}

export function namespaceOf(obj: Record<string, unknown>): string | undefined {
  const ns = metadataOf(obj).namespace;
  return typeof ns === "string" && ns !== "" ? ns : undefined;
}

export function stringField(obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  return typeof v === "string" ? v : "";
}

/** Manifest objects are plain JSON; the client wants its ApiObject type. */
export function asApiObject(obj: Record<string, unknown>): ApiObject {
  return { ...obj, metadata: { ...metadataOf(obj) } } as ApiObject;
}
