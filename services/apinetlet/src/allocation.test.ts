import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AllocationRetry, withAllocatedCondition } from "./allocation.js";

describe("AllocationRetry", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const retry = new AllocationRetry({ probeMs: 1000, maxProbeMs: 4000, safetyMs: 60_000, fanOut: 2 });
    const woken: string[] = [];
    const wake = (id: string) => () => woken.push(id);
    return { retry, woken, wake };
  }

  it("lets everyone try until the pool is known full, then only woken waiters", () => {
    const { retry, wake } = setup();
    expect(retry.mayTry("a", "IPv4")).toBe(true);
    const delay = retry.exhausted(
      "a",
      "IPv4",
      "all IP addresses of family IPv4 are already allocated",
      wake("a"),
    );
    expect(delay).toBeGreaterThanOrEqual(60_000);
    expect(retry.mayTry("b", "IPv4")).toBe(false);
    expect(retry.mayTry("a", "IPv4")).toBe(false);
    // Other families are not affected.
    expect(retry.mayTry("c", "IPv6")).toBe(true);
    expect(retry.message("IPv4")).toMatch(/already allocated/);
    retry.stop();
  });

  it("wakes one waiter per freed address, longest waiting first", () => {
    const { retry, woken, wake } = setup();
    retry.exhausted("a", "IPv4", "full", wake("a"));
    retry.wait("b", "IPv4", wake("b"));
    retry.wait("c", "IPv4", wake("c"));
    retry.freed("IPv4");
    expect(woken).toEqual(["a"]);
    expect(retry.mayTry("a", "IPv4")).toBe(true);
    expect(retry.mayTry("b", "IPv4")).toBe(false);
    retry.freed("IPv4");
    expect(woken).toEqual(["a", "b"]);
    retry.stop();
  });

  it("a waiter that got an address wakes the next ones; the gate opens when nobody waits", () => {
    const { retry, woken, wake } = setup();
    retry.exhausted("a", "IPv4", "full", wake("a"));
    for (const id of ["b", "c", "d"]) retry.wait(id, "IPv4", wake(id));
    retry.freed("IPv4");
    retry.allocated("a", "IPv4");
    expect(woken).toEqual(["a", "b", "c"]);
    retry.allocated("b", "IPv4");
    retry.allocated("c", "IPv4");
    expect(woken).toEqual(["a", "b", "c", "d"]);
    retry.allocated("d", "IPv4");
    expect(retry.waiting()).toBe(0);
    expect(retry.mayTry("e", "IPv4")).toBe(true);
    retry.stop();
  });

  it("a woken waiter that loses the race keeps its place", () => {
    const { retry, woken, wake } = setup();
    retry.exhausted("a", "IPv4", "full", wake("a"));
    retry.wait("b", "IPv4", wake("b"));
    retry.freed("IPv4");
    retry.exhausted("a", "IPv4", "full", wake("a"));
    retry.freed("IPv4");
    expect(woken).toEqual(["a", "a"]);
    retry.stop();
  });

  it("a deleted waiter's wake-up goes to the next one", () => {
    const { retry, woken, wake } = setup();
    retry.exhausted("a", "IPv4", "full", wake("a"));
    retry.wait("b", "IPv4", wake("b"));
    retry.freed("IPv4");
    retry.forget("a");
    expect(woken).toEqual(["a", "b"]);
    retry.stop();
  });

  it("probes the longest waiter with back-off", () => {
    const { retry, woken, wake } = setup();
    retry.exhausted("a", "IPv4", "full", wake("a"));
    vi.advanceTimersByTime(1000);
    expect(woken).toEqual(["a"]);
    retry.exhausted("a", "IPv4", "full", wake("a"));
    // A woken waiter that failed resets the probe to its first interval.
    vi.advanceTimersByTime(1000);
    expect(woken).toEqual(["a", "a"]);
    retry.stop();
  });
});

describe("Allocated condition", () => {
  it("is written only when it changes", () => {
    const first = withAllocatedCondition(undefined, {
      status: "False",
      reason: "PoolExhausted",
      message: "full",
    });
    expect(first).toEqual([
      expect.objectContaining({ type: "Allocated", status: "False", reason: "PoolExhausted" }),
    ]);
    expect(
      withAllocatedCondition(first, { status: "False", reason: "PoolExhausted", message: "full" }),
    ).toBeUndefined();
    const next = withAllocatedCondition(first, { status: "True", reason: "Allocated" });
    expect(next?.[0]).toMatchObject({ status: "True", reason: "Allocated" });
  });
});
