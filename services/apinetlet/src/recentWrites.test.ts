import { describe, expect, it } from "vitest";
import { RecentWrites } from "./recentWrites.js";

const ref = { apiVersion: "networking.ironcore.dev/v1alpha1", kind: "VirtualIP" };
const obj = (rv: string, finalizers: string[] = []) => ({
  metadata: { namespace: "default", name: "vip", resourceVersion: rv, finalizers },
});

describe("RecentWrites", () => {
  it("returns our write while the cache is behind, and the cache once it caught up", () => {
    const writes = new RecentWrites();
    writes.remember(ref, obj("12", ["f"]));
    expect(writes.latest(ref, obj("10"))?.metadata.finalizers).toEqual(["f"]);
    expect(writes.latest(ref, obj("13"))?.metadata.resourceVersion).toBe("13");
    expect(writes.size).toBe(0);
  });

  it("treats a missing cached object as deleted unless asked for what was written", () => {
    const writes = new RecentWrites();
    writes.remember(ref, obj("5"));
    expect(
      writes.latest(ref, undefined, { namespace: "default", name: "vip", orWritten: true })?.metadata
        .resourceVersion,
    ).toBe("5");
    writes.forget(ref, "default", "vip");
    expect(
      writes.latest(ref, undefined, { namespace: "default", name: "vip", orWritten: true }),
    ).toBeUndefined();
  });

  it("forgets after its time to live", async () => {
    const writes = new RecentWrites(10);
    writes.remember(ref, obj("12", ["f"]));
    await new Promise((r) => setTimeout(r, 20));
    expect(writes.latest(ref, obj("10"))?.metadata.resourceVersion).toBe("10");
  });

  it("prefers the cache when versions are not numbers", () => {
    const writes = new RecentWrites();
    writes.remember(ref, obj("b"));
    expect(writes.latest(ref, obj("a"))?.metadata.resourceVersion).toBe("a");
  });
});
