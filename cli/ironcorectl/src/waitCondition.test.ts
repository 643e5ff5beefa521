import type { ApiObject } from "@ironcore-ts/apimachinery";
import { describe, expect, it } from "vitest";
import { conditionMet, parseWaitCondition } from "./waitCondition.js";

const net = (status: Record<string, unknown>): ApiObject => ({ metadata: { name: "n" }, status });

describe("--for", () => {
  it("reads jsonpath conditions with or without braces and quotes", () => {
    for (const arg of [
      "jsonpath={.status.state}=Available",
      "jsonpath='{.status.state}'=Available",
      "jsonpath={.status.state}='Available'",
      "jsonpath=.status.state=Available",
    ]) {
      const c = parseWaitCondition(arg);
      expect(c, arg).toMatchObject({ type: "jsonpath", expected: "Available" });
      expect(conditionMet(c, net({ state: "Available" })), arg).toBe(true);
      expect(conditionMet(c, net({ state: "Pending" })), arg).toBe(false);
      expect(conditionMet(c, undefined), arg).toBe(false);
    }
  });

  it("keeps == inside a filter as part of the path", () => {
    const c = parseWaitCondition('jsonpath={.status.conditions[?(@.type=="Ready")].status}=True');
    expect(conditionMet(c, net({ conditions: [{ type: "Ready", status: "True" }] }))).toBe(true);
    const bare = parseWaitCondition('jsonpath=.status.conditions[?(@.type=="Ready")].status=True');
    expect(bare).toMatchObject({ expected: "True" });
  });

  it("waits for a path to exist when no value is given", () => {
    const c = parseWaitCondition("jsonpath={.status.ip}");
    expect(conditionMet(c, net({ ip: "1.2.3.4" }))).toBe(true);
    expect(conditionMet(c, net({}))).toBe(false);
  });

  it("compares non-strings by their text", () => {
    expect(conditionMet(parseWaitCondition("jsonpath={.status.n}=2"), net({ n: 2 }))).toBe(true);
    expect(conditionMet(parseWaitCondition("jsonpath={.status.ips}=a,b"), net({ ips: ["a", "b"] }))).toBe(
      true,
    );
  });

  it("reads condition=NAME[=STATUS], case-insensitively, True by default", () => {
    const obj = net({ conditions: [{ type: "Ready", status: "True" }] });
    expect(conditionMet(parseWaitCondition("condition=Ready"), obj)).toBe(true);
    expect(conditionMet(parseWaitCondition("condition=ready=true"), obj)).toBe(true);
    expect(conditionMet(parseWaitCondition("condition=Ready=False"), obj)).toBe(false);
    expect(conditionMet(parseWaitCondition("condition=Scheduled"), obj)).toBe(false);
  });

  it("reads delete and create", () => {
    expect(conditionMet(parseWaitCondition("delete"), undefined)).toBe(true);
    expect(conditionMet(parseWaitCondition("delete"), net({}))).toBe(false);
    expect(conditionMet(parseWaitCondition("create"), net({}))).toBe(true);
  });

  it("refuses what it cannot read", () => {
    expect(() => parseWaitCondition(undefined)).toThrow("--for must be specified");
    expect(() => parseWaitCondition("ready")).toThrow('unrecognized condition: "ready"');
    expect(() => parseWaitCondition("jsonpath={.a}x")).toThrow('unexpected "x"');
  });
});
