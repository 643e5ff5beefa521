import { describe, expect, it } from "vitest";
import { ConfigError, EnvConfig } from "./envConfig.js";

const cfg = (env: Record<string, string>) => new EnvConfig(env);

describe("EnvConfig", () => {
  it("reads typed values and falls back to defaults when unset or empty", () => {
    const c = cfg({ PORT: "7443", EMPTY: "", DEBUG: "Yes", PEERS: " a, b ,,c ", WAIT: "1.5s", N: "-3" });
    expect(c.port("PORT", 1)).toBe(7443);
    expect(c.port("EMPTY", 8080)).toBe(8080);
    expect(c.port("MISSING", 0)).toBe(0);
    expect(c.bool("DEBUG", false)).toBe(true);
    expect(c.list("PEERS")).toEqual(["a", "b", "c"]);
    expect(c.durationMs("WAIT")).toBe(1500);
    expect(cfg({ T: "250" }).durationMs("T")).toBe(250);
    expect(c.int("N")).toBe(-3);
    expect(cfg({ M: "2.5" }).number("M", 3, { min: 1.5 })).toBe(2.5);
    expect(() => cfg({ M: "1" }).number("M", 3, { min: 1.5 })).toThrow(
      'M must be a number in [1.5, Infinity], got "1"',
    );
    expect(c.string("MISSING", "x")).toBe("x");
    expect(c.optional("EMPTY")).toBeUndefined();
    expect(cfg({ F: "json" }).oneOf("F", ["json", "pretty"] as const)).toBe("json");
  });

  it("names the variable, the expected form and the value in its errors", () => {
    expect(() => cfg({ IRONCORE_API_PORT: "http" }).port("IRONCORE_API_PORT", 7443)).toThrow(
      new ConfigError('IRONCORE_API_PORT must be a port number (0-65535), got "http"'),
    );
    expect(() => cfg({ P: "70000" }).port("P")).toThrow(/P must be a port number/);
    expect(() => cfg({ N: "1e3" }).int("N")).toThrow('N must be an integer, got "1e3"');
    expect(() => cfg({ N: "12" }).int("N", undefined, { min: 1, max: 10 })).toThrow(
      "N must be an integer in [1, 10]",
    );
    expect(() => cfg({ B: "maybe" }).bool("B")).toThrow('B must be a boolean (true/false), got "maybe"');
    expect(() => cfg({ D: "soon" }).durationMs("D")).toThrow(/D must be a duration/);
    expect(() => cfg({ F: "xml" }).oneOf("F", ["json", "pretty"])).toThrow(
      'F must be one of "json", "pretty", got "xml"',
    );
    expect(() => cfg({}).string("REDIS_URL")).toThrow("REDIS_URL is required but not set");
  });
});
