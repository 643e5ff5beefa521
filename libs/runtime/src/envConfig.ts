/** A configuration value in the environment is missing or malformed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Typed reads of environment variables. A variable that is unset or empty takes the default; with
 * no default it is required. Malformed values throw a ConfigError naming the variable, the
 * expected form and what was found, so a bad deployment fails at start with a clear message.
 */
export class EnvConfig {
  constructor(private readonly env: Env = process.env) {}

  /** The raw value, or undefined when unset or empty. */
  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === "" ? undefined : v;
  }

  string(name: string, fallback?: string): string {
    return this.read(name, fallback, (v) => v);
  }

  int(name: string, fallback?: number, range: { min?: number; max?: number } = {}): number {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    return this.read(name, fallback, (v) => {
      const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        return invalid(
          name,
          `an integer${range.min !== undefined || range.max !== undefined ? ` in [${min}, ${max}]` : ""}`,
          v,
        );
      }
      return n;
    });
  }

  /** A decimal number, e.g. "2.5". */
  number(name: string, fallback?: number, range: { min?: number; max?: number } = {}): number {
    const { min = -Infinity, max = Infinity } = range;
    return this.read(name, fallback, (v) => {
      const n = /^[+-]?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
      return Number.isFinite(n) && n >= min && n <= max
        ? n
        : invalid(name, `a number in [${min}, ${max}]`, v);
    });
  }

  /** A TCP port; 0 means "pick a free one". */
  port(name: string, fallback?: number): number {
    return this.read(name, fallback, (v) => {
      const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : invalid(name, "a port number (0-65535)", v);
    });
  }

  /** true/false, 1/0, yes/no, on/off (any case). */
  bool(name: string, fallback?: boolean): boolean {
    return this.read(name, fallback, (v) => {
      const s = v.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(s)) return true;
      if (["false", "0", "no", "off"].includes(s)) return false;
      return invalid(name, "a boolean (true/false)", v);
    });
  }

  /** Comma-separated values, trimmed, empty items dropped. */
  list(name: string, fallback?: readonly string[]): string[] {
    return this.read(name, fallback && [...fallback], (v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    );
  }

  /** A duration in milliseconds: "250ms", "10s", "5m", "1h", or a bare number of milliseconds. */
  durationMs(name: string, fallback?: number): number {
    return this.read(name, fallback, (v) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
      if (!m) return invalid(name, 'a duration such as "500ms", "10s" or "5m"', v);
      const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3 }[(m[2] ?? "ms") as "ms" | "s" | "m" | "h"];
      return Math.round(Number(m[1]) * unit);
    });
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    return this.read(name, fallback, (v) =>
      (allowed as readonly string[]).includes(v)
        ? (v as T)
        : invalid(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, v),
    );
  }

  private read<T>(name: string, fallback: T | undefined, parse: (v: string) => T): T {
    const v = this.optional(name);
    if (v !== undefined) return parse(v);
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${name} is required but not set`);
  }
}

function invalid(name: string, expected: string, got: string): never {
  throw new ConfigError(`${name} must be ${expected}, got ${JSON.stringify(got)}`);
}

/** Reads the process environment: `env.port("IRONCORE_API_PORT", 7443)`. */
export const env = new EnvConfig();
