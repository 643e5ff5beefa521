import { ApiError } from "./apiError.js";
import type { FieldError, FieldPath } from "./fieldError.js";
import { validateLabels, validateLabelValue, validateQualifiedName } from "./names.js";

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";
const operators: readonly SelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist"];

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values?: string[];
}

/** metav1.LabelSelector: all matchLabels and all matchExpressions must hold (empty selects all). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      return has && (r.values ?? []).includes(labels[r.key]!);
    case "NotIn":
      return !has || !(r.values ?? []).includes(labels[r.key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
  }
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> = {}) {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => requirementMatches(r, labels));
}

export function validateLabelSelector(selector: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child("matchLabels"));
  (selector.matchExpressions ?? []).forEach((r, i) => {
    const p = path.child("matchExpressions").index(i);
    errs.push(...validateQualifiedName(r.key ?? "", p.child("key")));
    if (!operators.includes(r.operator)) {
      errs.push(p.child("operator").notSupported(r.operator, operators));
      return;
    }
    const values = r.values ?? [];
    if ((r.operator === "In" || r.operator === "NotIn") && values.length === 0) {
      errs.push(p.child("values").required("must be specified when `operator` is 'In' or 'NotIn'"));
    }
    if ((r.operator === "Exists" || r.operator === "DoesNotExist") && values.length > 0) {
      errs.push(
        p.child("values").forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
      );
    }
    values.forEach((v, j) => {
      errs.push(...validateLabelValue(v, p.child("values").index(j)));
    });
  });
  return errs;
}

/**
 * Parses the kubectl `-l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
 * `==` is accepted as `=`. Throws a BadRequest ApiError naming the offending term.
 */
const termParsers: ReadonlyArray<{
  pattern: RegExp;
  apply(m: RegExpMatchArray, sel: Required<LabelSelector>): void;
}> = [
  {
    pattern: /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/,
    apply(m, sel) {
      const values = m[3]!
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      sel.matchExpressions.push({ key: m[1]!, operator: m[2] === "in" ? "In" : "NotIn", values });
    },
  },
  {
    pattern: /^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/,
    apply(m, sel) {
      sel.matchExpressions.push({ key: m[1]!, operator: "NotIn", values: [m[2]!] });
    },
  },
  {
    pattern: /^([^\s!=(),]+)\s*==?\s*([^\s!=(),]*)$/,
    apply(m, sel) {
      sel.matchLabels[m[1]!] = m[2]!;
    },
  },
  {
    pattern: /^!\s*([^\s!=(),]+)$/,
    apply(m, sel) {
      sel.matchExpressions.push({ key: m[1]!, operator: "DoesNotExist" });
    },
  },
  {
    pattern: /^([^\s!=(),]+)$/,
    apply(m, sel) {
      sel.matchExpressions.push({ key: m[1]!, operator: "Exists" });
    },
  },
];

/**
 * Parses the kubectl `-l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
 * `==` is accepted as `=`. Throws a BadRequest ApiError naming the offending term.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const sel: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  for (const term of splitTerms(text)) {
    const parser = termParsers.find((p) => p.pattern.test(term));
    if (!parser)
      throw new ApiError("BadRequest", `unable to parse label selector term ${JSON.stringify(term)}`);
    parser.apply(term.match(parser.pattern)!, sel);
  }
  const out: LabelSelector = {};
  if (Object.keys(sel.matchLabels).length > 0) out.matchLabels = sel.matchLabels;
  if (sel.matchExpressions.length > 0) out.matchExpressions = sel.matchExpressions;
  return out;
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter(Boolean);
}

/** The inverse of parseLabelSelector, for display. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return "";
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === "Exists") terms.push(r.key);
    else if (r.operator === "DoesNotExist") terms.push(`!${r.key}`);
    else terms.push(`${r.key} ${r.operator.toLowerCase()} (${(r.values ?? []).join(",")})`);
  }
  return terms.join(",");
}
