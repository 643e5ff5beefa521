import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { CommandContext } from "./command.js";
import { type Manifest, readManifests } from "./documents.js";
import { CliError } from "./errors.js";
import type { FlagSpecs } from "./flags.js";
import type { KindInfo, KindResolver } from "./kindResolver.js";
import { buildKustomization } from "./kustomization.js";
import { asApiObject, metadataOf, nameOf, namespaceOf, stringField } from "./objects.js";

/** The -f / -k / -R flags of apply and delete. */
export const manifestFlags: FlagSpecs = {
  filename: {
    type: "string",
    short: "f",
    multiple: true,
    valueName: "FILE",
    description: "file, directory (its .yaml/.yml/.json files) or - for stdin; repeatable",
  },
  kustomize: {
    type: "string",
    short: "k",
    valueName: "DIR",
    description: "directory with a kustomization.yaml",
  },
  recursive: { type: "boolean", short: "R", description: "with -f DIR, also read its subdirectories" },
};

/** A manifest this server serves, ready to send. */
export interface ResolvedManifest {
  manifest: Manifest;
  kind: KindInfo;
  /** The document with the namespace settled (set for namespaced kinds, removed otherwise). */
  object: ApiObject;
  name: string;
  namespace?: string;
}

/** Reads the objects named by -f or -k (kubectl accepts one of the two, not both). */
export async function loadManifests(ctx: CommandContext): Promise<Manifest[]> {
  const files = ctx.flags.strings("filename");
  const dir = ctx.flags.string("kustomize");
  if (files.length > 0 && dir) throw new CliError("only one of -f or -k can be specified");
  if (dir) {
    const kinds = await ctx.kinds();
    return buildKustomization(dir, {
      isNamespaced: (apiVersion, kind) => kinds.forDocument(apiVersion, kind)?.namespaced ?? true,
      warn: (message) => ctx.err(message),
    });
  }
  if (files.length === 0) throw new CliError("must specify one of -f and -k");
  return readManifests(files, { stdin: ctx.io.stdin, recursive: ctx.flags.bool("recursive") });
}

/**
 * Matches manifests to served kinds. Kinds this server does not serve (a Secret, a storage
 * Volume from the same kustomization) are skipped with a warning: they belong to another API.
 * Problems with a single document are reported and counted, and the others go on.
 */
export function resolveManifests(
  ctx: CommandContext,
  kinds: KindResolver,
  manifests: readonly Manifest[],
): { resolved: ResolvedManifest[]; failures: number } {
  const resolved: ResolvedManifest[] = [];
  let failures = 0;
  for (const manifest of manifests) {
    const doc = manifest.object;
    const apiVersion = stringField(doc, "apiVersion");
    const kindName = stringField(doc, "kind");
    const missing = [!apiVersion && "apiVersion not set", !kindName && "kind not set"].filter(Boolean);
    if (missing.length > 0) {
      ctx.err(`error: error validating "${manifest.source}": ${missing.join(", ")}`);
      failures++;
      continue;
    }
    const kind = kinds.forDocument(apiVersion, kindName);
    const name = nameOf(doc);
    if (!kind) {
      ctx.err(`Warning: skipping ${apiVersion}/${kindName} "${name}": kind not served by this API`);
      continue;
    }
    const docNamespace = namespaceOf(doc);
    const wanted = ctx.explicitNamespace;
    if (kind.namespaced && wanted && docNamespace && docNamespace !== wanted) {
      ctx.err(
        `error: the namespace from the provided object "${docNamespace}" does not match the namespace "${wanted}". ` +
          `You must pass '--namespace=${docNamespace}' to perform this operation.`,
      );
      failures++;
      continue;
    }
    const object = asApiObject(doc);
    const meta = { ...metadataOf(doc) };
    let namespace: string | undefined;
    if (kind.namespaced) {
      namespace = docNamespace ?? ctx.namespace;
      meta.namespace = namespace;
    } else {
      // Cluster-scoped kinds have no namespace; kubectl ignores one written in the file.
      delete meta.namespace;
    }
    object.metadata = meta;
    resolved.push({ manifest, kind, object, name, namespace });
  }
  return { resolved, failures };
}
