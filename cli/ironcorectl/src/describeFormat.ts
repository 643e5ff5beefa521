import type { ApiObject } from "@ironcore-ts/apimachinery";
import { ageOf } from "./age.js";
import { orderForPrinting } from "./keyOrder.js";
import type { KindInfo } from "./kindResolver.js";
import { toYaml } from "./printers.js";

/** The annotation ironcore-api keeps for apply's three-way merge: noise for a reader. */
const lastAppliedAnnotation = "apply.ironcore.dev/last-applied-configuration";

/** Words kubectl keeps upper-case when it turns a field name into a heading. */
const acronyms = new Set([
  "api",
  "cpu",
  "dns",
  "id",
  "ip",
  "ips",
  "nat",
  "pci",
  "tcp",
  "udp",
  "uid",
  "url",
  "vip",
  "vni",
]);

/** `networkRef` -> `Network Ref`, `ipFamilies` -> `IP Families`: kubectl's describe headings. */
export function headingOf(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .map((w) => {
      const lower = w.toLowerCase();
      if (acronyms.has(lower)) return lower === "ips" ? "IPs" : lower.toUpperCase();
      return w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join(" ");
}

function indent(text: string, by: string): string {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

/**
 * `describe`: the metadata a person looks for first (labels one per line, who controls the
 * object, finalizers, age), then spec, status and any other top-level field as indented YAML.
 */
export function describeObject(kind: KindInfo, obj: ApiObject, now: number = Date.now()): string {
  const meta = obj.metadata;
  const header: [string, string[]][] = [];
  const add = (label: string, values: string[]) =>
    header.push([label, values.length > 0 ? values : ["<none>"]]);
  add("Name", [meta.name ?? ""]);
  if (kind.namespaced) add("Namespace", [meta.namespace ?? ""]);
  add(
    "Labels",
    Object.entries(meta.labels ?? {}).map(([k, v]) => `${k}=${v}`),
  );
  add(
    "Annotations",
    Object.entries(meta.annotations ?? {})
      .filter(([k]) => k !== lastAppliedAnnotation)
      .map(([k, v]) => `${k}: ${v}`),
  );
  add("API Version", [obj.apiVersion ?? kind.apiVersion]);
  add("Kind", [obj.kind ?? kind.kind]);
  if (meta.uid) add("UID", [meta.uid]);
  if (meta.generation !== undefined) add("Generation", [String(meta.generation)]);
  add("Created", [
    meta.creationTimestamp ? `${meta.creationTimestamp} (${ageOf(meta.creationTimestamp, now)} ago)` : "",
  ]);
  if (meta.deletionTimestamp) {
    add("Deleting Since", [`${meta.deletionTimestamp} (${ageOf(meta.deletionTimestamp, now)} ago)`]);
  }
  const owners = meta.ownerReferences ?? [];
  const controller = owners.find((o) => o.controller);
  if (controller) add("Controlled By", [`${controller.kind}/${controller.name}`]);
  const others = owners.filter((o) => o !== controller);
  if (others.length > 0)
    add(
      "Owned By",
      others.map((o) => `${o.kind}/${o.name}`),
    );
  add("Finalizers", meta.finalizers ?? []);

  const width = Math.max(...header.map(([label]) => label.length)) + 3;
  const lines: string[] = [];
  for (const [label, values] of header) {
    for (const [i, v] of values.entries()) lines.push((i === 0 ? `${label}:` : "").padEnd(width) + v);
  }

  const ordered = orderForPrinting(obj);
  for (const [field, value] of Object.entries(ordered)) {
    if (["apiVersion", "kind", "metadata"].includes(field)) continue;
    const heading = `${headingOf(field)}:`;
    // Headings below the header block may be longer than its labels; keep two spaces at least.
    const pad = " ".repeat(Math.max(2, width - heading.length));
    if (isEmpty(value)) lines.push(`${heading}${pad}<none>`);
    else if (typeof value === "object") lines.push(heading, indent(toYaml(value), "  "));
    else lines.push(heading + pad + String(value));
  }
  return `${lines.join("\n")}\n`;
}
