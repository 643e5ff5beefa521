import type { ApiObject } from "@ironcore-ts/apimachinery";
import { ageOf } from "./age.js";
import { evaluateJsonPath, formatCell } from "./jsonPath.js";
import { type KindInfo, objectLabel } from "./kindResolver.js";

export interface TableOptions {
  /** -o wide: also the priority-1 columns. */
  wide?: boolean;
  /** -A: a NAMESPACE column first. */
  withNamespace?: boolean;
  /** Several kinds in one `get`: names as `kind.group/name`, as kubectl does. */
  qualifiedNames?: boolean;
  /** --show-labels. */
  showLabels?: boolean;
  /** -L key: one column per label key. */
  labelColumns?: readonly string[];
  now?: number;
}

function columnsOf(kind: KindInfo, options: TableOptions) {
  return kind.columns.filter((c) => c.priority === 0 || (options.wide && c.priority === 1));
}

/** NAME, the kind's printer columns, AGE (and the optional NAMESPACE / label columns). */
export function tableHeader(kind: KindInfo, options: TableOptions = {}): string[] {
  return [
    ...(options.withNamespace ? ["NAMESPACE"] : []),
    "NAME",
    ...columnsOf(kind, options).map((c) => c.name.toUpperCase()),
    "AGE",
    ...(options.labelColumns ?? []).map((k) => (k.split("/").pop() ?? k).toUpperCase()),
    ...(options.showLabels ? ["LABELS"] : []),
  ];
}

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${v}`).join(",");
}

export function tableRow(kind: KindInfo, obj: ApiObject, options: TableOptions = {}): string[] {
  const name = obj.metadata.name ?? "";
  const labels = obj.metadata.labels ?? {};
  return [
    ...(options.withNamespace ? [obj.metadata.namespace ?? ""] : []),
    options.qualifiedNames ? objectLabel(kind, name) : name,
    ...columnsOf(kind, options).map((c) => formatCell(evaluateJsonPath(obj, c.jsonPath))),
    ageOf(obj.metadata.creationTimestamp, options.now),
    ...(options.labelColumns ?? []).map((k) => labels[k] ?? ""),
    ...(options.showLabels ? [labelsText(obj.metadata.labels)] : []),
  ];
}
