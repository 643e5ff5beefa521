import { describe, expect, it } from "vitest";
import { OriginLiveness, type SessionDownReason } from "./liveness.js";

function tracker() {
  const events: string[] = [];
  const liveness = new OriginLiveness({
    up: (o, s) => events.push(`up ${o}/${s}`),
    down: (o, s, r: SessionDownReason) => events.push(`down ${o}/${s} ${r}`),
  });
  return { liveness, events };
}

const hb = (session: string, startedAt: number) => ({ session, startedAt, keepaliveMs: 1000 });

describe("OriginLiveness", () => {
  it("expires an origin after three missed intervals, not before", () => {
    const { liveness, events } = tracker();
    liveness.heartbeat("a", hb("s1", 1), 10_000, 1, 10_000);
    liveness.tick(12_999);
    expect(events).toEqual(["up a/s1"]);
    liveness.tick(13_000);
    expect(events).toEqual(["up a/s1", "down a/s1 expired"]);
    liveness.heartbeat("a", hb("s1", 1), 14_000, 2, 14_000);
    expect(events.at(-1)).toBe("up a/s1");
  });

  it("does not bring up a session whose latest heartbeat is already stale (late joiner)", () => {
    const { liveness, events } = tracker();
    liveness.heartbeat("a", hb("s1", 1), 1_000, 1, 60_000);
    expect(events).toEqual([]);
    expect(liveness.isLive("a", "s1")).toBe(false);
  });

  it("supersedes an older session at once, and ignores heartbeats of older incarnations", () => {
    const { liveness, events } = tracker();
    liveness.heartbeat("a", hb("s1", 1), 1_000, 1, 1_000);
    liveness.heartbeat("a", hb("s2", 2), 1_500, 2, 1_500);
    liveness.heartbeat("a", hb("s1", 1), 1_600, 3, 1_600);
    expect(events).toEqual(["up a/s1", "down a/s1 superseded", "up a/s2"]);
    expect(liveness.isLive("a", "s2")).toBe(true);
  });

  it("does not count time this client was disconnected as the origins' silence", () => {
    const { liveness, events } = tracker();
    liveness.heartbeat("a", hb("s1", 1), 1_000, 1, 1_000);
    liveness.pause(2_000);
    liveness.tick(60_000);
    liveness.resume(60_000);
    liveness.tick(61_500);
    expect(events).toEqual(["up a/s1"]);
    liveness.tick(62_000);
    expect(events).toEqual(["up a/s1", "down a/s1 expired"]);
  });

  it("takes an origin down when its session key is deleted", () => {
    const { liveness, events } = tracker();
    liveness.heartbeat("a", hb("s1", 1), 1_000, 1, 1_000);
    liveness.gone("a");
    liveness.gone("a");
    expect(events).toEqual(["up a/s1", "down a/s1 closed"]);
  });
});
