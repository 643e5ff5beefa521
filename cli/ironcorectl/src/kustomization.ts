import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { type Manifest, parseManifests } from "./documents.js";
import { CliError } from "./errors.js";
import { renameWithReferences } from "./nameReferences.js";

/**
 * `-k DIR`: a small kustomize. Supported: `resources` (and the older `bases`) as files or
 * directories with their own kustomization, `namespace`, `namePrefix`, `nameSuffix`,
 * `commonLabels` and `commonAnnotations`. Everything else (generators, patches, images, ...) is
 * ignored with a warning rather than refused, so the upstream e2e scenarios still apply.
 *
 * Differences from kustomize: `commonLabels` only go to metadata.labels (kustomize also adds them
 * to selectors and pod templates, which IronCore kinds do not have in that shape), and the
 * references that follow a rename are the ones listed in nameReferences.ts.
 */
export interface KustomizeOptions {
  /** Whether the kind is namespaced; `namespace:` only applies to those. Unknown kinds: true. */
  isNamespaced(apiVersion: string, kind: string): boolean;
  warn(message: string): void;
}

const kustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const supportedFields = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "resources",
  "bases",
  "namespace",
  "namePrefix",
  "nameSuffix",
  "commonLabels",
  "commonAnnotations",
]);

interface Kustomization {
  resources: string[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function findKustomizationFile(dir: string): Promise<string> {
  for (const name of kustomizationFiles) {
    const path = join(dir, name);
    if ((await stat(path).catch(() => undefined))?.isFile()) return path;
  }
  throw new CliError(
    `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
  );
}

function stringMap(value: unknown, field: string, file: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new CliError(`${file}: ${field} must be a map`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function optionalString(value: unknown, field: string, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  // `nameSuffix: -1` is a number to YAML; it is plainly meant as text.
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw new CliError(`${file}: ${field} must be a string`);
  return value;
}

async function readKustomization(file: string, warn: (m: string) => void): Promise<Kustomization> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new CliError(
      `error parsing ${file}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
    );
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) throw new CliError(`${file}: a kustomization must be a map`);
  for (const field of Object.keys(doc)) {
    if (!supportedFields.has(field))
      warn(`Warning: kustomization field "${field}" is not supported; ignored`);
  }
  const resources: string[] = [];
  for (const field of ["resources", "bases"] as const) {
    const list = doc[field] ?? [];
    if (!Array.isArray(list) || !list.every((r) => typeof r === "string")) {
      throw new CliError(`${file}: ${field} must be a list of paths`);
    }
    resources.push(...list);
  }
  return {
    resources,
    namespace: optionalString(doc.namespace, "namespace", file),
    namePrefix: optionalString(doc.namePrefix, "namePrefix", file),
    nameSuffix: optionalString(doc.nameSuffix, "nameSuffix", file),
    commonLabels: stringMap(doc.commonLabels, "commonLabels", file),
    commonAnnotations: stringMap(doc.commonAnnotations, "commonAnnotations", file),
  };
}

function metadataOf(obj: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(obj.metadata)) obj.metadata = {};
  return obj.metadata as Record<string, unknown>;
}

function addToMap(meta: Record<string, unknown>, field: string, entries: Record<string, string>): void {
  const current = isRecord(meta[field]) ? (meta[field] as Record<string, unknown>) : {};
  meta[field] = { ...current, ...entries };
}

/** Applies one kustomization's transformations to the objects it gathered, in kustomize's order. */
function transform(items: Manifest[], k: Kustomization, options: KustomizeOptions): void {
  if (k.namespace) {
    for (const { object } of items) {
      if (options.isNamespaced(String(object.apiVersion ?? ""), String(object.kind ?? ""))) {
        metadataOf(object).namespace = k.namespace;
      }
    }
  }
  if (k.namePrefix || k.nameSuffix) {
    const prefix = k.namePrefix ?? "";
    const suffix = k.nameSuffix ?? "";
    renameWithReferences(items, (name) => `${prefix}${name}${suffix}`);
  }
  for (const { object } of items) {
    if (k.commonLabels) addToMap(metadataOf(object), "labels", k.commonLabels);
    if (k.commonAnnotations) addToMap(metadataOf(object), "annotations", k.commonAnnotations);
  }
}

function idOf(m: Manifest): string {
  const meta = isRecord(m.object.metadata) ? m.object.metadata : {};
  return `${String(m.object.apiVersion)}/${String(m.object.kind)} ${String(meta.namespace ?? "")}/${String(meta.name)}`;
}

async function build(dir: string, options: KustomizeOptions, chain: readonly string[]): Promise<Manifest[]> {
  if (chain.includes(dir)) throw new CliError(`cycle in kustomizations: ${[...chain, dir].join(" -> ")}`);
  const file = await findKustomizationFile(dir);
  const k = await readKustomization(file, options.warn);
  const items: Manifest[] = [];
  for (const entry of k.resources) {
    if (/^[a-z]+:\/\//.test(entry) || entry.startsWith("github.com/")) {
      throw new CliError(`${file}: remote resource "${entry}" is not supported`);
    }
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new CliError(`${file}: accumulating resources: "${entry}": no such file or directory`);
    if (info.isDirectory()) items.push(...(await build(path, options, [...chain, dir])));
    else items.push(...parseManifests(await readFile(path, "utf8"), path));
  }
  // kustomize refuses the same object twice; applying it twice would hide one of the two.
  const seen = new Set<string>();
  for (const m of items) {
    const id = idOf(m);
    if (seen.has(id))
      throw new CliError(`${file}: may not add resource with an already registered id: ${id}`);
    seen.add(id);
  }
  transform(items, k, options);
  return items;
}

/** The objects `kustomize build DIR` would produce (within the supported subset). */
export function buildKustomization(dir: string, options: KustomizeOptions): Promise<Manifest[]> {
  return build(dir, options, []);
}
