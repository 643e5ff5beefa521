import { FieldPath } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { parseQuantitySign, validateQuantity } from "./quantity.js";

describe("quantities", () => {
  it.each(["4", "500m", "16Gi", "1.5", "1e3", ".5", "+2", "0", "100Mi", "2E"])("accepts %s", (q) => {
    expect(parseQuantitySign(q)).toBeDefined();
  });

  it.each(["", "Gi", "4 Gi", "4GB", "one", "1.2.3", "--1"])("refuses %j", (q) => {
    expect(parseQuantitySign(q)).toBeUndefined();
  });

  it("checks the sign", () => {
    const p = FieldPath.root("x");
    expect(validateQuantity("-1", p)).toHaveLength(1);
    expect(validateQuantity("-0", p)).toEqual([]);
    expect(validateQuantity("0", p, "positive")).toHaveLength(1);
    expect(validateQuantity("0.0001", p, "positive")).toEqual([]);
  });
});
