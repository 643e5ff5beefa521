import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("parseDuration (--timeout)", () => {
  it.each([
    ["60s", 60_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["2h", 7_200_000],
    ["1.5s", 1500],
    ["0", 0],
    ["-1s", -1000],
  ])("%s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("refuses a number without unit, like Go", () => {
    expect(() => parseDuration("60")).toThrow(
      'invalid argument "60" for "--timeout" flag: time: missing unit in duration "60"',
    );
    expect(() => parseDuration("soon")).toThrow("invalid duration");
  });
});
