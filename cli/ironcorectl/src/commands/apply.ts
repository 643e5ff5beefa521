import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { Command, CommandContext } from "../command.js";
import { asApiError, CliError, isNotFound, serverErrorLine } from "../errors.js";
import { objectLabel, refOf } from "../kindResolver.js";
import { loadManifests, manifestFlags, type ResolvedManifest, resolveManifests } from "../manifestInput.js";
import { printable, toJsonText, toYaml } from "../printers.js";

export type ApplyOutcome = "created" | "configured" | "unchanged";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values, ignoring the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length &&
      keys.every((k) => sameJson(a[k], b[k]))
    );
  }
  return a === b;
}

/** The object without what an apply cannot change: its version stamp and its status. */
function appliedContent(obj: ApiObject): unknown {
  const { status: _status, ...rest } = obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...rest, metadata };
}

/**
 * What `apply` did, decided from the object before and after (the Apply RPC does not say):
 * - no object before, or a different uid (it was deleted and recreated meanwhile): created;
 * - same resourceVersion (nothing was written), or a write that changed nothing but the
 *   version (metadata, spec and other fields equal; status is ignored because apply never
 *   writes it, a controller does): unchanged;
 * - otherwise: configured. That includes label- or annotation-only changes, where generation
 *   stays the same, which kubectl also calls configured.
 * The Get before the Apply is a separate call, so a controller writing the object between the
 * two could make an unchanged apply read as configured, never a change read as unchanged.
 */
export function applyOutcome(before: ApiObject | undefined, after: ApiObject): ApplyOutcome {
  if (!before || before.metadata.uid !== after.metadata.uid) return "created";
  if (before.metadata.resourceVersion === after.metadata.resourceVersion) return "unchanged";
  return sameJson(appliedContent(before), appliedContent(after)) ? "unchanged" : "configured";
}

async function applyOne(
  ctx: CommandContext,
  r: ResolvedManifest,
): Promise<{ after: ApiObject; outcome: ApplyOutcome }> {
  const client = ctx.client();
  let before: ApiObject | undefined;
  if (r.name) {
    try {
      before = await client.get(refOf(r.kind), r.namespace, r.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const after = await client.apply(r.object);
  return { after, outcome: applyOutcome(before, after) };
}

export const applyCommand: Command = {
  name: "apply",
  summary: "Create or update resources from files, directories, a kustomization or stdin",
  usage: "ironcorectl apply (-f FILENAME | -k DIRECTORY) [flags]",
  description:
    "Create or update resources from files, directories, a kustomization or stdin.\n\n" +
    "Each document is sent to the server's Apply (a three-way merge with what was applied last,\n" +
    "like kubectl apply). Documents of kinds this server does not serve (a v1 Secret, a storage\n" +
    "Volume) are skipped with a warning. A document the server rejects is reported with every\n" +
    "offending field and the others are still applied; the exit code is then 1.",
  examples: [
    "ironcorectl apply -f network.yaml",
    "ironcorectl apply -f ./manifests/ -n test",
    "cat nic.yaml | ironcorectl apply -f -",
    "ironcorectl apply -k config/samples/e2e/machine-with-ephemeral-resources",
  ].join("\n"),
  flags: {
    ...manifestFlags,
    output: {
      type: "string",
      short: "o",
      valueName: "FORMAT",
      description: "name, yaml or json instead of the summary",
    },
  },
  async run(ctx) {
    const output = ctx.flags.string("output");
    if (output && !["name", "yaml", "json"].includes(output)) {
      throw new CliError(
        `unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml`,
      );
    }
    const manifests = await loadManifests(ctx);
    const { resolved, failures: resolveFailures } = resolveManifests(ctx, await ctx.kinds(), manifests);
    let failures = resolveFailures;
    const applied: ApiObject[] = [];
    for (const r of resolved) {
      try {
        const { after, outcome } = await applyOne(ctx, r);
        applied.push(after);
        const label = objectLabel(r.kind, after.metadata.name ?? r.name);
        if (output === "name") ctx.out(label);
        else if (!output) ctx.out(`${label} ${outcome}`);
      } catch (err) {
        const api = asApiError(err);
        if (!api || api.reason === "Unavailable") throw err;
        ctx.err(serverErrorLine(api, { verb: "applying", source: r.manifest.source }));
        failures++;
      }
    }
    if (output === "yaml" && applied.length > 0) ctx.out(toYaml(printable(applied, applied.length === 1)));
    if (output === "json" && applied.length > 0)
      ctx.out(toJsonText(printable(applied, applied.length === 1)));
    return failures > 0 ? 1 : 0;
  },
};
