import { parsePrefix } from "@ironcore-ts/ipam";
import { describe, expect, it } from "vitest";
import { allocateBlock, blockIsFree, formatBlock } from "./ipBlocks.js";

const p = (s: string) => parsePrefix(s)!;
const alloc = (parent: string, length: number, taken: string[]) => {
  const block = allocateBlock(p(parent), length, taken.map(p));
  return block ? formatBlock(block) : undefined;
};

describe("allocateBlock", () => {
  it("hands out the halves of a /8 in order, then nothing", () => {
    expect(alloc("10.0.0.0/8", 9, [])).toBe("10.0.0.0/9");
    expect(alloc("10.0.0.0/8", 9, ["10.0.0.0/9"])).toBe("10.128.0.0/9");
    expect(alloc("10.0.0.0/8", 9, ["10.0.0.0/9", "10.128.0.0/9"])).toBeUndefined();
  });

  it("aligns to the block size and skips past smaller taken blocks", () => {
    expect(alloc("10.0.0.0/24", 26, ["10.0.0.4/30"])).toBe("10.0.0.64/26");
    expect(alloc("10.0.0.0/24", 32, ["10.0.0.0/32", "10.0.0.1/32", "10.0.0.3/32"])).toBe("10.0.0.2/32");
  });

  it("uses the network address of a parent written with host bits", () => {
    expect(alloc("10.1.2.3/16", 24, [])).toBe("10.1.0.0/24");
  });

  it("refuses lengths shorter than the parent or longer than the family", () => {
    expect(alloc("10.0.0.0/16", 8, [])).toBeUndefined();
    expect(alloc("10.0.0.0/16", 33, [])).toBeUndefined();
  });

  it("is exact and fast for IPv6, whatever the size of the parent", () => {
    expect(alloc("2000::/8", 9, [])).toBe("2000::/9");
    expect(alloc("2000::/8", 9, ["2000::/9"])).toBe("2080::/9");
    const taken = Array.from({ length: 1000 }, (_, i) => `2001:db8::${i.toString(16)}/128`);
    expect(alloc("2001:db8::/32", 128, taken)).toBe("2001:db8::3e8/128");
  });

  it("ignores blocks of the other family and outside the parent", () => {
    expect(alloc("10.0.0.0/24", 25, ["2000::/8", "10.0.1.0/24"])).toBe("10.0.0.0/25");
  });
});

describe("blockIsFree", () => {
  it("accepts a free block inside the parent only", () => {
    expect(blockIsFree(p("10.0.0.0/8"), p("10.1.0.0/16"), [p("10.0.0.0/16")])).toBe(true);
    expect(blockIsFree(p("10.0.0.0/8"), p("10.0.0.0/16"), [p("10.0.0.0/9")])).toBe(false);
    expect(blockIsFree(p("10.0.0.0/8"), p("11.0.0.0/16"), [])).toBe(false);
  });
});
