import { CliError } from "./errors.js";

/**
 * The subset of kubectl's JSONPath that printer columns, `-o jsonpath=` and `wait --for` use:
 * `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `.*`, `[1:3]`, `..name` and filters such as
 * `[?(@.type=="Ready")]`. Evaluation yields every matching value; a path that leads nowhere
 * yields none, which printers show as `<none>`.
 */

type Literal = string | number | boolean | null;
type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type Segment =
  | { type: "field"; name: string }
  | { type: "wildcard" }
  | { type: "index"; index: number }
  | { type: "slice"; start?: number; end?: number; step?: number }
  | { type: "filter"; path: Segment[]; op?: CompareOp; value?: Literal }
  | { type: "recursive"; name: string };

const fieldEnd = new Set([".", "["]);

function fail(expr: string, why: string): CliError {
  return new CliError(`invalid jsonpath "${expr}": ${why}`);
}

/** Index of the character closing the bracket at `open`, skipping quoted text and nesting. */
function closingIndex(text: string, open: number, openChar: string, closeChar: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === openChar) depth++;
    else if (c === closeChar && --depth === 0) return i;
  }
  return -1;
}

function unquote(text: string): string | undefined {
  const q = text[0];
  if ((q === "'" || q === '"') && text.endsWith(q) && text.length >= 2) {
    return text.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: "\n", t: "\t" })[c] ?? c);
  }
  return undefined;
}

function parseLiteral(text: string, expr: string): Literal {
  const t = text.trim();
  const quoted = unquote(t);
  if (quoted !== undefined) return quoted;
  if (t === "true" || t === "false") return t === "true";
  if (t === "null") return null;
  if (t !== "" && !Number.isNaN(Number(t))) return Number(t);
  throw fail(expr, `cannot parse literal ${JSON.stringify(t)}`);
}

function parseFilter(body: string, expr: string): Segment {
  const inner = body.trim();
  const m = /^(@.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/s.exec(inner);
  if (!m) {
    if (!inner.startsWith("@")) throw fail(expr, `filter must start with @: ${inner}`);
    return { type: "filter", path: parseJsonPath(inner.slice(1)) };
  }
  return {
    type: "filter",
    path: parseJsonPath(m[1]!.slice(1)),
    op: m[2] as CompareOp,
    value: parseLiteral(m[3]!, expr),
  };
}

function parseBracket(body: string, expr: string): Segment {
  const b = body.trim();
  if (b === "*") return { type: "wildcard" };
  const quoted = unquote(b);
  if (quoted !== undefined) return { type: "field", name: quoted };
  if (b.startsWith("?(") && b.endsWith(")")) return parseFilter(b.slice(2, -1), expr);
  if (b.includes(":")) {
    const [start, end, step] = b.split(":").map((p) => (p.trim() === "" ? undefined : Number(p)));
    if ([start, end, step].some((n) => n !== undefined && !Number.isInteger(n)))
      throw fail(expr, `bad slice [${b}]`);
    return { type: "slice", start, end, step };
  }
  if (/^-?\d+$/.test(b)) return { type: "index", index: Number(b) };
  if (b !== "") return { type: "field", name: b };
  throw fail(expr, "empty []");
}

/** Reads a field name up to the next `.` or `[`; `\.` keeps a dot in the name (label keys). */
function readName(text: string, from: number): { name: string; next: number } {
  let name = "";
  let i = from;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      name += text[++i];
      continue;
    }
    if (fieldEnd.has(c)) break;
    name += c;
  }
  return { name, next: i };
}

/** Parses a path such as `.status.conditions[?(@.type=="Ready")].status` (braces optional). */
export function parseJsonPath(input: string): Segment[] {
  let expr = input.trim();
  if (expr.startsWith("{") && expr.endsWith("}")) expr = expr.slice(1, -1).trim();
  if (expr.startsWith("$")) expr = expr.slice(1);
  const segments: Segment[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === "." && expr[i + 1] === ".") {
      const { name, next } = readName(expr, i + 2);
      if (!name) throw fail(input, "`..` needs a field name");
      segments.push({ type: "recursive", name });
      i = next;
    } else if (c === ".") {
      if (expr[i + 1] === "*") {
        segments.push({ type: "wildcard" });
        i += 2;
        continue;
      }
      const { name, next } = readName(expr, i + 1);
      if (name) segments.push({ type: "field", name });
      i = next;
    } else if (c === "[") {
      const close = closingIndex(expr, i, "[", "]");
      if (close < 0) throw fail(input, "unclosed [");
      segments.push(parseBracket(expr.slice(i + 1, close), input));
      i = close + 1;
    } else {
      // kubectl wants a leading dot; accepting `status.state` as well costs nothing.
      const { name, next } = readName(expr, i);
      segments.push({ type: "field", name });
      i = next;
    }
  }
  return segments;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function descendants(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const e of v) descendants(e, out);
  else if (isRecord(v)) for (const e of Object.values(v)) descendants(e, out);
}

function compare(a: unknown, op: CompareOp, b: Literal): boolean {
  const numeric = typeof a === "number" && typeof b === "number";
  const x = numeric ? (a as number) : String(a);
  const y = numeric ? (b as number) : String(b);
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

function matches(element: unknown, seg: Extract<Segment, { type: "filter" }>): boolean {
  const found = evaluate(element, seg.path);
  if (seg.op === undefined) return found.some((v) => v !== null && v !== undefined && v !== false);
  return found.some((v) => compare(v, seg.op!, seg.value ?? null));
}

function step(values: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (seg.type) {
      case "field":
        if (isRecord(v) && Object.hasOwn(v, seg.name)) out.push(v[seg.name]);
        break;
      case "wildcard":
        if (Array.isArray(v)) out.push(...v);
        else if (isRecord(v)) out.push(...Object.values(v));
        break;
      case "index":
        if (Array.isArray(v)) {
          const i = seg.index < 0 ? v.length + seg.index : seg.index;
          if (i >= 0 && i < v.length) out.push(v[i]);
        }
        break;
      case "slice":
        if (Array.isArray(v)) {
          const picked = v.slice(seg.start, seg.end);
          const by = seg.step ?? 1;
          out.push(...picked.filter((_e, i) => i % by === 0));
        }
        break;
      case "filter":
        if (Array.isArray(v)) out.push(...v.filter((e) => matches(e, seg)));
        break;
      case "recursive": {
        const all: unknown[] = [];
        descendants(v, all);
        out.push(...step(all, seg.name === "*" ? { type: "wildcard" } : { type: "field", name: seg.name }));
        break;
      }
    }
  }
  return out;
}

function evaluate(data: unknown, segments: readonly Segment[]): unknown[] {
  let values: unknown[] = [data];
  for (const seg of segments) values = step(values, seg);
  return values;
}

/** Every value the path selects in `data` (none when it leads nowhere). */
export function evaluateJsonPath(data: unknown, path: string | readonly Segment[]): unknown[] {
  return evaluate(data, typeof path === "string" ? parseJsonPath(path) : path);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

function cellText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v) && v.every((e) => typeof e !== "object" || e === null)) {
    return v
      .filter((e) => !isEmpty(e))
      .map(String)
      .join(",");
  }
  return JSON.stringify(v);
}

/**
 * A table cell from a column's values: lists joined with commas (`10.0.0.1,10.0.0.2`), objects
 * as JSON, and `<none>` when there is nothing to show, as kubectl prints missing values.
 */
export function formatCell(values: readonly unknown[]): string {
  const present = values.filter((v) => !isEmpty(v));
  if (present.length === 0) return "<none>";
  return present.map(cellText).join(",");
}

/** How `-o jsonpath` prints one value: strings as they are, everything else as JSON. */
function templateText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Renders a kubectl `-o jsonpath=` template: text outside braces as is, each `{path}` as its
 * values separated by spaces, `{"\n"}` as a literal. `range` loops are not supported.
 */
export function renderJsonPathTemplate(data: unknown, template: string): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const close = closingIndex(template, open, "{", "}");
    if (close < 0) throw fail(template, "unclosed {");
    const body = template.slice(open + 1, close).trim();
    const literal = unquote(body);
    if (literal !== undefined) out += literal;
    else if (/^(range|end)\b/.test(body)) throw fail(template, `{${body}} is not supported`);
    else out += evaluateJsonPath(data, body).map(templateText).join(" ");
    i = close + 1;
  }
  return out;
}
