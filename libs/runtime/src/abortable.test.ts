import { describe, expect, it } from "vitest";
import { abortable } from "./abortable.js";

describe("abortable", () => {
  it("passes items through and ends with the source", async () => {
    async function* three() {
      yield* [1, 2, 3];
    }
    const got: number[] = [];
    for await (const n of abortable(three(), new AbortController().signal)) got.push(n);
    expect(got).toEqual([1, 2, 3]);
  });

  it("rejects with the abort reason while the source is stuck, and stops the source", async () => {
    let stopped = false;
    async function* stuck() {
      try {
        yield 1;
        await new Promise((r) => setTimeout(r, 200));
        yield 2;
      } finally {
        stopped = true;
      }
    }
    const ac = new AbortController();
    const it = abortable(stuck(), ac.signal);
    expect((await it.next()).value).toBe(1);
    const next = it.next();
    const reason = new Error("shutting down");
    ac.abort(reason);
    await expect(next).rejects.toBe(reason);
    await expect.poll(() => stopped).toBe(true);
  });
});
