import type { Command } from "./command.js";
import { commonFlags, describeFlags } from "./flags.js";

/** `ironcorectl CMD --help`. */
export function commandHelp(cmd: Command): string {
  const parts = [cmd.description ?? cmd.summary, "", "Usage:", `  ${cmd.usage}`];
  if (cmd.examples) parts.push("", "Examples:", cmd.examples.replace(/^/gm, "  "));
  parts.push("", "Options:", describeFlags({ ...cmd.flags, ...commonFlags }));
  return `${parts.join("\n")}\n`;
}

/** `ironcorectl --help`. */
export function rootHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return [
    "ironcorectl controls the IronCore API (networking, compute and ipam.ironcore.dev), the way kubectl",
    "controls Kubernetes.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Usage:",
    "  ironcorectl COMMAND [flags]",
    "",
    "Options for every command:",
    describeFlags(commonFlags),
    "",
    "Use 'ironcorectl COMMAND --help' for more information about a command.",
    "",
  ].join("\n");
}
