import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memoryStore.js";
import { describeStoreConformance, take } from "./storeConformance.js";

describeStoreConformance("MemoryStore", async (options) => ({
  store: new MemoryStore(options),
  cleanup: async () => {},
}));

describe("MemoryStore", () => {
  it("keeps the default 10,000 events per collection for resuming watches", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 10_010; i++) await store.create("widgets", `w${i}`, "x");
    // 10 events trimmed: version 10 is the newest gone, so a watch from 10 is complete, from 9 is not.
    const complete = store.watch("widgets", { fromResourceVersion: 10 });
    expect((await take(complete, 1))[0]?.resourceVersion).toBe(11);
    await expect(store.watch("widgets", { fromResourceVersion: 9 }).next()).rejects.toMatchObject({
      reason: "Expired",
      message:
        "resource version 9 is too old (oldest kept is 11): list again and watch from the list's resourceVersion",
    });
    await store.close();
  });

  it("rejects a history limit that is not a positive integer", () => {
    expect(() => new MemoryStore({ historyLimit: 0 })).toThrow(/historyLimit must be a positive integer/);
  });

  it("refuses work after close", async () => {
    const store = new MemoryStore();
    await store.close();
    await expect(store.get("widgets", "a")).rejects.toMatchObject({ reason: "Unavailable" });
  });
});
