import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyMatches } from "./routeStore.js";
import { decodeOrigin, encodeOrigin, parseRouteEntryKey, routeEntryKey, vniFilter } from "./subjects.js";

describe("storage keys", () => {
  it("escape any origin id into one key token, reversibly", () => {
    expect(encodeOrigin("node-1.example.com")).toBe("node-1_2eexample_2ecom");
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }), (origin) => {
        const token = encodeOrigin(origin);
        expect(token).toMatch(/^[-_A-Za-z0-9]+$/);
        expect(decodeOrigin(token)).toBe(origin);
      }),
    );
  });

  it("parse back what they encode and match per-VNI filters only", () => {
    const key = routeEntryKey(42, "host.a", "lq2x-0a1b", "AQID");
    expect(parseRouteEntryKey(key)).toEqual({
      vni: 42,
      origin: "host.a",
      session: "lq2x-0a1b",
      token: "AQID",
    });
    expect(keyMatches(vniFilter(42), key)).toBe(true);
    expect(keyMatches(vniFilter(4), key)).toBe(false);
    expect(keyMatches("*.host_2ea.>", key)).toBe(true);
    expect(parseRouteEntryKey("x.y")).toBeNull();
  });
});
