import type { Command, CommandContext } from "../command.js";
import { asApiError, CliError, isNotFound } from "../errors.js";
import { type KindInfo, kindLabel, notFoundMessage, objectLabel, refOf } from "../kindResolver.js";
import { loadManifests, manifestFlags, resolveManifests } from "../manifestInput.js";
import { parseResourceArgs } from "../resourceArgs.js";
import { type WaitTarget, waitUntil } from "../waitFor.js";
import { timeoutMs } from "./wait.js";

interface DeleteTarget extends WaitTarget {
  /** The file it came from, for `error when deleting "file"`. */
  source?: string;
}

const cascadePolicies: Record<string, string> = {
  background: "Background",
  foreground: "Foreground",
  orphan: "Orphan",
};

function listNamespace(ctx: CommandContext, kind: KindInfo): string {
  if (!kind.namespaced || ctx.flags.bool("all-namespaces")) return "";
  return ctx.namespace;
}

async function targetsFromArgs(ctx: CommandContext): Promise<{ targets: DeleteTarget[]; listed: boolean }> {
  const requests = parseResourceArgs(ctx.args, await ctx.kinds());
  const targets: DeleteTarget[] = [];
  let listed = false;
  for (const { kind, names } of requests) {
    if (names.length > 0) {
      const namespace = kind.namespaced ? ctx.namespace : undefined;
      targets.push(...names.map((name) => ({ kind, namespace, name })));
      continue;
    }
    const selector = ctx.flags.string("selector");
    if (!selector && !ctx.flags.bool("all")) {
      throw new CliError("resource(s) were provided, but no name was specified; use -l SELECTOR or --all");
    }
    listed = true;
    const list = await ctx
      .client()
      .list(refOf(kind), { namespace: listNamespace(ctx, kind), labelSelector: selector ?? "" });
    for (const o of list.items) {
      targets.push({ kind, namespace: o.metadata.namespace || undefined, name: o.metadata.name ?? "" });
    }
  }
  return { targets, listed };
}

async function targetsFromManifests(
  ctx: CommandContext,
): Promise<{ targets: DeleteTarget[]; failures: number }> {
  const { resolved, failures } = resolveManifests(ctx, await ctx.kinds(), await loadManifests(ctx));
  return {
    targets: resolved.map((r) => ({
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      source: r.manifest.source,
    })),
    failures,
  };
}

export const deleteCommand: Command = {
  name: "delete",
  summary: "Delete resources by file name, kustomization, kind and names, or label selector",
  usage:
    "ironcorectl delete (-f FILENAME | -k DIRECTORY | KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all) [flags]",
  description:
    "Delete resources by file name, kustomization, kind and names, or label selector.\n\n" +
    "Objects with finalizers are marked for deletion and go once their finalizers are removed;\n" +
    "--wait waits for that. Objects they own are deleted by the server's garbage collector.",
  examples: [
    "ironcorectl delete -f network.yaml",
    "ironcorectl delete -k config/samples/e2e/machine-with-ephemeral-resources",
    "ironcorectl delete nic networkinterface-sample",
    "ironcorectl delete vip -l app=web --wait",
    "ironcorectl delete lb --all -n test",
  ].join("\n"),
  flags: {
    ...manifestFlags,
    selector: {
      type: "string",
      short: "l",
      valueName: "SELECTOR",
      description: "delete the objects matching the labels",
    },
    all: { type: "boolean", description: "delete every object of the kind in the namespace" },
    "all-namespaces": { type: "boolean", short: "A", description: "with -l or --all, across all namespaces" },
    "ignore-not-found": { type: "boolean", description: "treat objects that do not exist as deleted" },
    wait: { type: "boolean", description: "wait until the objects are gone (default false)" },
    timeout: {
      type: "string",
      valueName: "DURATION",
      description: "with --wait, give up after this long (default: no limit)",
    },
    cascade: {
      type: "string",
      valueName: "POLICY",
      description: "what happens to owned objects: background (default), foreground or orphan",
    },
    output: {
      type: "string",
      short: "o",
      valueName: "FORMAT",
      description: "name: print kind/name of each deleted object",
    },
  },
  async run(ctx) {
    const output = ctx.flags.string("output");
    if (output && output !== "name")
      throw new CliError(`unsupported output format "${output}" for delete (use name)`);
    const cascade = ctx.flags.string("cascade") ?? "background";
    const propagationPolicy = cascadePolicies[cascade];
    if (!propagationPolicy)
      throw new CliError(`invalid cascade value (${cascade}); must be background, foreground or orphan`);
    const fromFiles = ctx.flags.strings("filename").length > 0 || ctx.flags.has("kustomize");
    if (fromFiles && ctx.args.length > 0)
      throw new CliError("resources cannot be given both as arguments and with -f/-k");
    if (!fromFiles && ctx.args.length === 0) {
      throw new CliError("You must provide one or more resources by argument or filename.");
    }
    let failures = 0;
    let targets: DeleteTarget[];
    if (fromFiles) {
      const r = await targetsFromManifests(ctx);
      targets = r.targets;
      failures += r.failures;
    } else {
      const r = await targetsFromArgs(ctx);
      targets = r.targets;
      if (r.listed && targets.length === 0) ctx.err("No resources found");
    }
    const ignoreNotFound = ctx.flags.bool("ignore-not-found");
    const deleted: DeleteTarget[] = [];
    for (const t of targets) {
      try {
        await ctx.client().delete(refOf(t.kind), t.namespace, t.name, { propagationPolicy });
        deleted.push(t);
        ctx.out(output === "name" ? objectLabel(t.kind, t.name) : `${kindLabel(t.kind)} "${t.name}" deleted`);
      } catch (err) {
        const api = asApiError(err);
        if (!api || api.reason === "Unavailable") throw err;
        if (isNotFound(api) && ignoreNotFound) continue;
        const where = t.source ? `error when deleting "${t.source}": ` : "";
        const message = isNotFound(api) ? notFoundMessage(t.kind, t.name) : api.message;
        ctx.err(`Error from server (${api.reason}): ${where}${message}`);
        failures++;
      }
    }
    if (ctx.flags.bool("wait") && deleted.length > 0) {
      const limit = ctx.flags.has("timeout")
        ? timeoutMs(ctx.flags.string("timeout"), "0s")
        : Number.POSITIVE_INFINITY;
      const gone = await Promise.all(
        deleted.map(async (t) => {
          const ok = await waitUntil(ctx.client(), t, (obj) => obj === undefined, {
            timeoutMs: limit === 0 ? Number.POSITIVE_INFINITY : limit,
            mustExist: false,
            signal: ctx.io.signal,
          });
          if (!ok) ctx.err(`error: timed out waiting for the condition on ${t.kind.plural}/${t.name}`);
          return ok;
        }),
      );
      failures += gone.filter((ok) => !ok).length;
    }
    return failures > 0 ? 1 : 0;
  },
};
