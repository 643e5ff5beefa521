import type { ApiObject } from "@ironcore-ts/apimachinery";
import { stringify } from "yaml";
import { orderForPrinting } from "./keyOrder.js";

/** YAML as kubectl writes it: block style, list items not indented under their key, no folding. */
export function toYaml(value: unknown): string {
  return stringify(value, { indent: 2, indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

/** One object, or several as a `List`, the way `kubectl get -o yaml|json` returns them. */
export function printable(objects: readonly ApiObject[], single: boolean): Record<string, unknown> {
  const ordered = objects.map((o) => orderForPrinting(o));
  if (single && ordered.length === 1) return ordered[0]!;
  return { apiVersion: "v1", kind: "List", items: ordered };
}
