import { describe, expect, it } from "vitest";
import { ageOf, humanDuration } from "./age.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration (kubectl's AGE)", () => {
  it.each([
    [0, "0s"],
    [-1500, "0s"],
    [-5 * s, "<invalid>"],
    [5 * s, "5s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [3 * m + 20 * s, "3m20s"],
    [9 * m + 59 * s, "9m59s"],
    [15 * m + 30 * s, "15m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [2 * h + 5 * m + 180 * m, "5h5m"],
    [10 * h, "10h"],
    [47 * h, "47h"],
    [2 * d, "2d"],
    [3 * d + 4 * h, "3d4h"],
    [40 * d, "40d"],
    [2 * 365 * d, "2y"],
    [3 * 365 * d + 10 * d, "3y10d"],
    [9 * 365 * d, "9y"],
  ])("%d ms -> %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it("reads creationTimestamp against now", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(ageOf("2024-05-01T11:57:00Z", now)).toBe("3m");
    expect(ageOf("2024-04-27T12:00:00Z", now)).toBe("4d");
    expect(ageOf(undefined, now)).toBe("<unknown>");
    expect(ageOf("yesterday", now)).toBe("<unknown>");
  });
});
