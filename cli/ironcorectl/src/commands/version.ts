import { readFileSync } from "node:fs";
import type { Command } from "../command.js";

/** The version in this package's package.json (there is no build step to stamp it in). */
export function clientVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return `v${pkg.version ?? "0.0.0"}`;
}

export const versionCommand: Command = {
  name: "version",
  summary: "Print the client version and the server it talks to",
  usage: "ironcorectl version [--client]",
  examples: ["ironcorectl version", "ironcorectl version --client"].join("\n"),
  flags: {
    client: { type: "boolean", description: "only the client version; do not contact the server" },
  },
  async run(ctx) {
    ctx.out(`Client Version: ${clientVersion()}`);
    if (ctx.flags.bool("client")) return 0;
    // The API has no version call; what it serves is what matters to a user.
    const kinds = (await ctx.kinds()).kinds;
    const groups = [...new Set(kinds.map((k) => k.apiVersion))].sort();
    ctx.out(`Server: ${ctx.server} (${kinds.length} kinds: ${groups.join(", ")})`);
    return 0;
  },
};
