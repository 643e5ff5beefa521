import type { Command, CommandContext } from "../command.js";
import { parseDuration } from "../duration.js";
import { asApiError, CliError, isNotFound, serverErrorLine } from "../errors.js";
import { type KindInfo, notFoundMessage, objectLabel, refOf } from "../kindResolver.js";
import { parseResourceArgs } from "../resourceArgs.js";
import { conditionMet, parseWaitCondition } from "../waitCondition.js";
import { type WaitTarget, waitUntil } from "../waitFor.js";

const week = 7 * 24 * 3_600_000;

/** Turns --timeout into milliseconds: kubectl reads a negative timeout as "a week". */
export function timeoutMs(text: string | undefined, fallback: string): number {
  const ms = parseDuration(text ?? fallback);
  return ms < 0 ? week : ms;
}

function namespaceFor(ctx: CommandContext, kind: KindInfo): string | undefined {
  if (!kind.namespaced || ctx.flags.bool("all-namespaces")) return undefined;
  return ctx.namespace;
}

/** The objects named on the command line, or all those matching -l / --all. */
async function targetsOf(ctx: CommandContext): Promise<WaitTarget[]> {
  const requests = parseResourceArgs(ctx.args, await ctx.kinds());
  if (requests.length === 0) throw new CliError("resource name or resource type with -l/--all is required");
  const targets: WaitTarget[] = [];
  for (const { kind, names } of requests) {
    const namespace = kind.namespaced ? ctx.namespace : undefined;
    if (names.length > 0) {
      targets.push(...names.map((name) => ({ kind, namespace, name })));
      continue;
    }
    const selector = ctx.flags.string("selector");
    if (!selector && !ctx.flags.bool("all")) {
      throw new CliError("resource(s) were provided, but no name was specified; use -l SELECTOR or --all");
    }
    const list = await ctx
      .client()
      .list(refOf(kind), { namespace: namespaceFor(ctx, kind) ?? "", labelSelector: selector ?? "" });
    targets.push(
      ...list.items.map((o) => ({
        kind,
        namespace: o.metadata.namespace || undefined,
        name: o.metadata.name ?? "",
      })),
    );
  }
  if (targets.length === 0) throw new CliError("no matching resources found");
  return targets;
}

export const waitCommand: Command = {
  name: "wait",
  summary: "Wait for a condition on one or many resources",
  usage:
    "ironcorectl wait (KIND/NAME... | KIND NAME... | KIND -l SELECTOR | KIND --all) --for=CONDITION [flags]",
  description:
    "Wait for a condition on one or many resources.\n\n" +
    "Conditions: delete, create, condition=NAME[=STATUS] (status.conditions, STATUS defaults to True),\n" +
    "jsonpath=EXPRESSION[=VALUE] (without VALUE: until the path exists). The object is read once\n" +
    "and then watched, so the wait ends as soon as the server reports the change.",
  examples: [
    "ironcorectl wait network/network-sample --for=jsonpath='{.status.state}'=Available --timeout=60s",
    "ironcorectl wait nic machine-sample-primary -n test --for=jsonpath='{.status.state}'=Available",
    "ironcorectl wait machine -l app=web --for=condition=Ready",
    "ironcorectl wait vip/virtualip-sample --for=delete",
  ].join("\n"),
  flags: {
    for: {
      type: "string",
      valueName: "CONDITION",
      description: "delete, create, condition=NAME[=STATUS], jsonpath=EXPR[=VALUE]",
    },
    timeout: {
      type: "string",
      valueName: "DURATION",
      description: "give up after this long (default 30s; 0: check once)",
    },
    selector: {
      type: "string",
      short: "l",
      valueName: "SELECTOR",
      description: "wait on every object matching the labels",
    },
    all: { type: "boolean", description: "wait on every object of the kind in the namespace" },
    "all-namespaces": { type: "boolean", short: "A", description: "with -l or --all, across all namespaces" },
  },
  async run(ctx) {
    const condition = parseWaitCondition(ctx.flags.string("for"));
    const timeout = timeoutMs(ctx.flags.string("timeout"), "30s");
    const targets = await targetsOf(ctx);
    const results = await Promise.all(
      targets.map(async (target) => {
        try {
          const met = await waitUntil(ctx.client(), target, (obj) => conditionMet(condition, obj), {
            timeoutMs: timeout,
            mustExist: condition.type !== "delete" && condition.type !== "create",
            signal: ctx.io.signal,
          });
          if (met) ctx.out(`${objectLabel(target.kind, target.name)} condition met`);
          else ctx.err(`error: timed out waiting for the condition on ${target.kind.plural}/${target.name}`);
          return met;
        } catch (err) {
          const api = asApiError(err);
          if (!api || api.reason === "Unavailable") throw err;
          ctx.err(
            isNotFound(api)
              ? `Error from server (NotFound): ${notFoundMessage(target.kind, target.name)}`
              : serverErrorLine(api),
          );
          return false;
        }
      }),
    );
    return results.every(Boolean) ? 0 : 1;
  },
};
