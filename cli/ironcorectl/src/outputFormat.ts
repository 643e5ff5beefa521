import { CliError } from "./errors.js";

export type OutputFormat =
  | { type: "table"; wide: boolean }
  | { type: "yaml" }
  | { type: "json" }
  | { type: "name" }
  | { type: "jsonpath"; template: string };

const allowed = "json,jsonpath,name,wide,yaml";

/** `-o` of get: yaml, json, wide, name or jsonpath=TEMPLATE; nothing means the table. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "") return { type: "table", wide: false };
  if (value === "wide") return { type: "table", wide: true };
  if (value === "yaml" || value === "json" || value === "name") return { type: value };
  const m = /^jsonpath=(.*)$/s.exec(value);
  if (m) {
    // Shells keep quotes that sit inside a word (-o=jsonpath='{...}' stays quoted in some setups).
    const template = m[1]!.replace(/^'(.*)'$/s, "$1").replace(/^"(.*)"$/s, "$1");
    if (!template) throw new CliError("template format specified but no template given");
    return { type: "jsonpath", template };
  }
  throw new CliError(
    `unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed}`,
  );
}
