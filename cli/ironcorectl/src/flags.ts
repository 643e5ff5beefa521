import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/** One flag of a command, with what `--help` says about it. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown as `--flag=VALUE` in help. */
  valueName?: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** Flags every command takes. */
export const commonFlags: FlagSpecs = {
  server: {
    type: "string",
    short: "s",
    valueName: "ADDRESS",
    description: "gRPC address of the IronCore API (default: $IRONCORE_API or 127.0.0.1:7443)",
  },
  namespace: {
    type: "string",
    short: "n",
    valueName: "NS",
    description: "namespace of the request (default: default)",
  },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** Parsed flags with typed accessors (parseArgs' own types do not survive a shared spec table). */
export class Flags {
  constructor(private readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    if (Array.isArray(v)) return v.length > 0 ? String(v[v.length - 1]) : undefined;
    return typeof v === "string" ? v : undefined;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map(String);
  }

  bool(name: string, fallback = false): boolean {
    const v = this.values[name];
    return typeof v === "boolean" ? v : fallback;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }
}

function flagByName(specs: FlagSpecs, token: string): [string, FlagSpec] | undefined {
  if (token.startsWith("--")) {
    const name = token.slice(2);
    return specs[name] ? [name, specs[name]] : undefined;
  }
  return Object.entries(specs).find(([, s]) => s.short === token.slice(1));
}

/**
 * Parses argv with node:util parseArgs, after rewriting the flag spellings kubectl users type
 * but parseArgs refuses: `--wait=false` for booleans and `-o=yaml` for short options.
 */
export function parseFlags(
  specs: FlagSpecs,
  argv: readonly string[],
): { flags: Flags; positionals: string[] } {
  const args: string[] = [];
  const explicit: Record<string, boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      args.push(...argv.slice(i));
      break;
    }
    const eq = token.indexOf("=");
    if (token.startsWith("-") && eq > 0) {
      const found = flagByName(specs, token.slice(0, eq));
      const value = token.slice(eq + 1);
      if (found?.[1].type === "boolean") {
        if (value !== "true" && value !== "false") {
          throw new UsageError(
            `invalid argument "${value}" for "${token.slice(0, eq)}" flag: must be true or false`,
          );
        }
        explicit[found[0]] = value === "true";
        continue;
      }
      if (found && !token.startsWith("--")) {
        args.push(token.slice(0, eq), value);
        continue;
      }
    }
    args.push(token);
  }
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type, multiple: s.multiple ?? false, ...(s.short ? { short: s.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { flags: new Flags({ ...values, ...explicit }), positionals };
  } catch (err) {
    throw new UsageError(flagErrorMessage(err));
  }
}

/** parseArgs' messages are long and Node-flavoured; say it the way kubectl (cobra) does. */
function flagErrorMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'(-{1,2}[^' ,]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted) return `unknown flag: ${quoted}`;
  const long = /(--[\w-]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && long && /argument missing/.test(message)) {
    return `flag needs an argument: ${long}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && long && /does not take an argument/.test(message)) {
    return `flag ${long} does not take a value`;
  }
  return message;
}

/** The OPTIONS section of `--help`. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const short = s.short ? `-${s.short}, ` : "    ";
    const value = s.type === "string" ? `=${s.valueName ?? "VALUE"}` : "";
    return [`  ${short}--${name}${value}`, s.description];
  });
  const width = Math.max(...rows.map(([left]) => left!.length)) + 3;
  return rows.map(([left, right]) => left!.padEnd(width) + right).join("\n");
}
