import type { ApiObject } from "@ironcore-ts/apimachinery";
import { CliError } from "./errors.js";
import { evaluateJsonPath, parseJsonPath, type Segment } from "./jsonPath.js";

/** What `wait --for=...` waits for. */
export type WaitCondition =
  | { type: "delete" }
  | { type: "create" }
  | { type: "jsonpath"; path: Segment[]; expression: string; expected?: string }
  | { type: "condition"; name: string; status: string };

function stripQuotes(text: string): string {
  const q = text[0];
  return (q === "'" || q === '"') && text.length >= 2 && text.endsWith(q) ? text.slice(1, -1) : text;
}

/** Splits `{.status.state}=Available` (braces and quotes optional) into path and value. */
function splitJsonPathArg(arg: string): { expression: string; expected?: string } {
  let expression: string;
  let rest: string;
  const q = arg[0];
  if (q === "'" || q === '"') {
    const close = arg.indexOf(q, 1);
    if (close < 0) throw new CliError(`unterminated quote in --for=jsonpath=${arg}`);
    expression = arg.slice(1, close);
    rest = arg.slice(close + 1);
  } else if (q === "{") {
    let depth = 0;
    let close = -1;
    for (let i = 0; i < arg.length && close < 0; i++) {
      if (arg[i] === "{") depth++;
      else if (arg[i] === "}" && --depth === 0) close = i;
    }
    if (close < 0) throw new CliError(`unclosed { in --for=jsonpath=${arg}`);
    expression = arg.slice(0, close + 1);
    rest = arg.slice(close + 1);
  } else {
    // `.status.state=Available`: the first `=` that is not part of a filter's ==, !=, <=, >=.
    let depth = 0;
    let at = -1;
    for (let i = 0; i < arg.length && at < 0; i++) {
      const c = arg[i]!;
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === "=" && depth === 0) at = i;
    }
    expression = at < 0 ? arg : arg.slice(0, at);
    rest = at < 0 ? "" : arg.slice(at);
  }
  if (rest === "") return { expression };
  if (!rest.startsWith("="))
    throw new CliError(`unexpected "${rest}" after the jsonpath expression in --for`);
  return { expression, expected: stripQuotes(rest.slice(1)) };
}

/** Parses kubectl's --for: `delete`, `create`, `condition=Ready[=True]`, `jsonpath={.a.b}[=value]`. */
export function parseWaitCondition(value: string | undefined): WaitCondition {
  if (!value)
    throw new CliError(
      "--for must be specified: delete, create, condition=NAME[=STATUS] or jsonpath=EXPR[=VALUE]",
    );
  if (value === "delete") return { type: "delete" };
  if (value === "create") return { type: "create" };
  if (value.startsWith("condition=")) {
    const [name, status] = value.slice("condition=".length).split("=", 2);
    if (!name) throw new CliError("--for=condition= needs a condition name");
    return { type: "condition", name, status: status === undefined ? "True" : stripQuotes(status) };
  }
  if (value.startsWith("jsonpath=")) {
    const { expression, expected } = splitJsonPathArg(value.slice("jsonpath=".length));
    return { type: "jsonpath", path: parseJsonPath(expression), expression, expected };
  }
  throw new CliError(`unrecognized condition: "${value}"`);
}

function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((e) => typeof e !== "object" || e === null)) return v.join(",");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Whether the object (undefined: it does not exist) satisfies the condition. */
export function conditionMet(condition: WaitCondition, obj: ApiObject | undefined): boolean {
  switch (condition.type) {
    case "delete":
      return obj === undefined;
    case "create":
      return obj !== undefined;
    case "jsonpath": {
      if (!obj) return false;
      const values = evaluateJsonPath(obj, condition.path).filter((v) => v !== undefined && v !== null);
      if (condition.expected === undefined) return values.length > 0;
      return values.length === 1 && valueText(values[0]) === condition.expected;
    }
    case "condition": {
      const conditions = (obj?.status as { conditions?: unknown } | undefined)?.conditions;
      if (!Array.isArray(conditions)) return false;
      return conditions.some((c: { type?: unknown; status?: unknown }) => {
        return (
          String(c?.type ?? "").toLowerCase() === condition.name.toLowerCase() &&
          String(c?.status ?? "").toLowerCase() === condition.status.toLowerCase()
        );
      });
    }
  }
}
