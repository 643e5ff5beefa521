import { describe, expect, it } from "vitest";
import { type FlagSpecs, parseFlags } from "./flags.js";

const specs: FlagSpecs = {
  output: { type: "string", short: "o", description: "" },
  filename: { type: "string", short: "f", multiple: true, description: "" },
  wait: { type: "boolean", description: "" },
  namespace: { type: "string", short: "n", description: "" },
};

describe("parseFlags", () => {
  it("takes flags anywhere among the arguments", () => {
    const { flags, positionals } = parseFlags(specs, [
      "nic",
      "-o",
      "yaml",
      "a",
      "--namespace=test",
      "-f",
      "x",
      "-f",
      "y",
    ]);
    expect(positionals).toEqual(["nic", "a"]);
    expect(flags.string("output")).toBe("yaml");
    expect(flags.string("namespace")).toBe("test");
    expect(flags.strings("filename")).toEqual(["x", "y"]);
  });

  it("accepts kubectl spellings: -o=yaml, -ntest, --wait=false", () => {
    const { flags } = parseFlags(specs, ["-o=yaml", "-ntest", "--wait=false"]);
    expect(flags.string("output")).toBe("yaml");
    expect(flags.string("namespace")).toBe("test");
    expect(flags.bool("wait", true)).toBe(false);
    expect(parseFlags(specs, ["--wait=true"]).flags.bool("wait")).toBe(true);
  });

  it("says which flag is wrong", () => {
    expect(() => parseFlags(specs, ["--nope"])).toThrow("unknown flag: --nope");
    expect(() => parseFlags(specs, ["-o"])).toThrow("flag needs an argument: --output");
    expect(() => parseFlags(specs, ["--wait=maybe"])).toThrow('invalid argument "maybe" for "--wait" flag');
  });
});
