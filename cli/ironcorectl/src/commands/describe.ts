import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { Command } from "../command.js";
import { describeObject } from "../describeFormat.js";
import { asApiError, CliError, isNotFound, serverErrorLine } from "../errors.js";
import { type KindInfo, notFoundMessage, refOf } from "../kindResolver.js";
import { parseResourceArgs } from "../resourceArgs.js";

export const describeCommand: Command = {
  name: "describe",
  summary: "Show details of a resource or a group of resources",
  usage: "ironcorectl describe KIND [NAME...] | KIND/NAME... [flags]",
  examples: [
    "ironcorectl describe nic machine-sample-primary -n test",
    "ironcorectl describe network/network-sample",
    "ironcorectl describe vip -l app=web",
  ].join("\n"),
  flags: {
    selector: {
      type: "string",
      short: "l",
      valueName: "SELECTOR",
      description: "describe the objects matching the labels",
    },
    "all-namespaces": { type: "boolean", short: "A", description: "without names, across all namespaces" },
  },
  async run(ctx) {
    const requests = parseResourceArgs(ctx.args, await ctx.kinds());
    if (requests.length === 0) {
      throw new CliError(
        'You must specify the type of resource to describe. Use "ironcorectl api-resources" for a complete list of supported resources.',
      );
    }
    const client = ctx.client();
    const found: { kind: KindInfo; obj: ApiObject }[] = [];
    let failures = 0;
    for (const { kind, names } of requests) {
      const namespace = kind.namespaced ? ctx.namespace : undefined;
      if (names.length === 0) {
        const all = ctx.flags.bool("all-namespaces") || !kind.namespaced;
        const list = await client.list(refOf(kind), {
          namespace: all ? "" : ctx.namespace,
          labelSelector: ctx.flags.string("selector") ?? "",
        });
        found.push(...list.items.map((obj) => ({ kind, obj })));
        continue;
      }
      for (const name of names) {
        try {
          found.push({ kind, obj: await client.get(refOf(kind), namespace, name) });
        } catch (err) {
          const api = asApiError(err);
          if (!api || api.reason === "Unavailable") throw err;
          ctx.err(
            isNotFound(api)
              ? `Error from server (NotFound): ${notFoundMessage(kind, name)}`
              : serverErrorLine(api),
          );
          failures++;
        }
      }
    }
    if (found.length === 0 && failures === 0) {
      ctx.err(
        ctx.flags.bool("all-namespaces")
          ? "No resources found"
          : `No resources found in ${ctx.namespace} namespace.`,
      );
    }
    ctx.out(found.map(({ kind, obj }) => describeObject(kind, obj)).join("\n\n"));
    return failures > 0 ? 1 : 0;
  },
};
