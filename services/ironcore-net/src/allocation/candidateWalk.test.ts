import { describe, expect, it } from "vitest";
import { randomBelow, walkFrom } from "./candidateWalk.js";

describe("walkFrom", () => {
  it("visits every value once, upward from start, wrapping around", () => {
    expect([...walkFrom(7n, 5n, 9n)]).toEqual([7n, 8n, 9n, 5n, 6n]);
    expect([...walkFrom(5n, 5n, 9n)]).toEqual([5n, 6n, 7n, 8n, 9n]);
    expect([...walkFrom(9n, 5n, 9n)]).toEqual([9n, 5n, 6n, 7n, 8n]);
    expect([...walkFrom(3n, 3n, 3n)]).toEqual([3n]);
  });

  it("refuses a start outside the range", () => {
    expect(() => [...walkFrom(10n, 5n, 9n)]).toThrow(RangeError);
  });
});

describe("randomBelow", () => {
  it("stays in [0, n), also for 72-bit ranges", () => {
    for (let i = 0; i < 200; i++) {
      const v = randomBelow(5n);
      expect(v >= 0n && v < 5n).toBe(true);
      const big = randomBelow(1n << 72n);
      expect(big >= 0n && big < 1n << 72n).toBe(true);
    }
    expect(randomBelow(1n)).toBe(0n);
  });
});
