import { CliError } from "./errors.js";

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration (`30s`, `1m30s`, `500ms`, `2h`), the format kubectl's --timeout takes,
 * into milliseconds. Like Go, a bare number other than 0 is refused: "60" could mean anything.
 */
export function parseDuration(text: string, flag = "--timeout"): number {
  const fail = (why: string) => new CliError(`invalid argument "${text}" for "${flag}" flag: ${why}`);
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw fail(`time: invalid duration "${text}"`);
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)?/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw fail(`time: invalid duration "${text}"`);
    const unit = m[2];
    if (!unit) throw fail(`time: missing unit in duration "${text}"`);
    total += Number(m[1]) * unitMs[unit]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
