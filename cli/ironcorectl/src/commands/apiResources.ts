import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { resourceLabel } from "../kindResolver.js";
import { renderTable } from "../table.js";

export const apiResourcesCommand: Command = {
  name: "api-resources",
  summary: "List the kinds the server serves, with their short names",
  usage: "ironcorectl api-resources [flags]",
  examples: [
    "ironcorectl api-resources",
    "ironcorectl api-resources --api-group=networking.ironcore.dev -o name",
  ].join("\n"),
  flags: {
    "api-group": { type: "string", valueName: "GROUP", description: "only kinds of this group" },
    namespaced: {
      type: "string",
      valueName: "BOOL",
      description: "true: only namespaced kinds; false: only cluster-scoped",
    },
    output: { type: "string", short: "o", valueName: "FORMAT", description: "name: print plural.group only" },
    "no-headers": { type: "boolean", description: "omit the table header" },
  },
  async run(ctx) {
    const output = ctx.flags.string("output");
    if (output && output !== "name" && output !== "wide")
      throw new CliError(`--output ${output} is not available`);
    const namespaced = ctx.flags.string("namespaced");
    if (namespaced !== undefined && namespaced !== "true" && namespaced !== "false") {
      throw new CliError(`invalid argument "${namespaced}" for "--namespaced" flag: must be true or false`);
    }
    const group = ctx.flags.string("api-group");
    const kinds = (await ctx.kinds()).kinds
      .filter((k) => group === undefined || k.group === group)
      .filter((k) => namespaced === undefined || String(k.namespaced) === namespaced)
      .sort((a, b) => a.group.localeCompare(b.group) || a.plural.localeCompare(b.plural));
    if (output === "name") {
      ctx.out(kinds.map((k) => resourceLabel(k)).join("\n"));
      return 0;
    }
    const rows = kinds.map((k) => [
      k.plural,
      k.shortNames.join(","),
      k.apiVersion,
      String(k.namespaced),
      k.kind,
    ]);
    const header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
    ctx.out(renderTable(ctx.flags.bool("no-headers") ? rows : [header, ...rows]));
    return 0;
  },
};
