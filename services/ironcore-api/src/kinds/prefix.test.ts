import { describe, expect, it } from "vitest";
import { type PrefixObject, prefixRules } from "./prefix.js";
import { admit, admitUpdate, paths, problems } from "./testdata.js";

function prefix(spec: PrefixObject["spec"], name = "root-1"): PrefixObject {
  return {
    apiVersion: "ipam.ironcore.dev/v1alpha1",
    kind: "Prefix",
    metadata: { namespace: "default", name },
    spec,
  };
}

describe("Prefix typical objects (config/samples/e2e/ipam-ipv4 / ipv6)", () => {
  it("accepts a root and a child allocated by selector, and defaults the family", () => {
    const root = prefix({ prefix: "10.0.0.0/8" });
    expect(admit(prefixRules, root)).toEqual([]);
    expect(root.spec?.ipFamily).toBe("IPv4");

    const child = prefix(
      { ipFamily: "IPv6", prefixLength: 9, parentSelector: { matchLabels: { "subnet-type": "public" } } },
      "customer-subnet-1",
    );
    expect(admit(prefixRules, child)).toEqual([]);
  });

  it("accepts a child with a literal prefix from a parentRef, written canonically", () => {
    const child = prefix(
      { prefix: "2000:0::/9", prefixLength: 9, parentRef: { name: "root-1" } },
      "nic-a.zone-0",
    );
    expect(admit(prefixRules, child)).toEqual([]);
    expect(child.spec).toEqual({
      prefix: "2000::/9",
      prefixLength: 9,
      parentRef: { name: "root-1" },
      ipFamily: "IPv6",
    });
  });
});

describe("Prefix root vs child", () => {
  it("a root needs prefix and forbids prefixLength", () => {
    expect(problems(admit(prefixRules, prefix({ ipFamily: "IPv4", prefixLength: 24 })))).toEqual([
      ["spec.prefixLength", "Forbidden"],
      ["spec.prefix", "Required"],
    ]);
  });

  it("a child needs prefix or prefixLength, consistent with each other", () => {
    expect(problems(admit(prefixRules, prefix({ ipFamily: "IPv4", parentRef: { name: "root" } })))).toEqual([
      ["spec", "Required"],
    ]);
    expect(
      problems(
        admit(prefixRules, prefix({ prefix: "10.0.0.0/16", prefixLength: 24, parentRef: { name: "root" } })),
      ),
    ).toEqual([["spec.prefixLength", "Invalid"]]);
  });
});

describe("Prefix family consistency and lengths", () => {
  it("refuses a prefix of the other family", () => {
    const errs = admit(prefixRules, prefix({ ipFamily: "IPv6", prefix: "10.0.0.0/8" }));
    expect(problems(errs)).toEqual([["spec.prefix", "Invalid"]]);
  });

  it.each([
    ["IPv4", 33],
    ["IPv6", 129],
    ["IPv4", 0],
  ])("refuses %s prefixLength %i", (ipFamily, prefixLength) => {
    const errs = admit(prefixRules, prefix({ ipFamily, prefixLength, parentRef: { name: "root" } }));
    expect(problems(errs)).toEqual([["spec.prefixLength", "Invalid"]]);
  });

  it("needs a family", () => {
    expect(paths(admit(prefixRules, prefix({ prefixLength: 8, parentRef: { name: "root" } })))).toEqual([
      "spec.ipFamily",
    ]);
  });
});

describe("Prefix update", () => {
  it("lets the controller write the prefix once", () => {
    const old = prefix(
      { ipFamily: "IPv4", prefixLength: 9, parentSelector: { matchLabels: { a: "b" } } },
      "c",
    );
    const allocated = prefix(
      {
        ipFamily: "IPv4",
        prefixLength: 9,
        prefix: "10.0.0.0/9",
        parentSelector: { matchLabels: { a: "b" } },
        parentRef: { name: "root-1" },
      },
      "c",
    );
    expect(admitUpdate(prefixRules, structuredClone(allocated), old)).toEqual([]);
    const moved = structuredClone(allocated);
    moved.spec!.prefix = "10.128.0.0/9";
    moved.spec!.parentRef = { name: "root-2" };
    expect(problems(admitUpdate(prefixRules, moved, allocated))).toEqual([
      ["spec.prefix", "Immutable"],
      ["spec.parentRef", "Immutable"],
    ]);
  });
});

describe("Prefix status", () => {
  it("checks phase and used ranges", () => {
    const obj = prefix({ prefix: "10.0.0.0/8" });
    obj.status = { phase: "Allocated", used: ["10.0.0.0/9", "10.128.0.0/9"] };
    expect(prefixRules.validateStatus?.(obj)).toEqual([]);
    obj.status = { phase: "Allocated", used: ["10.0.0.0/9", "10.0.0.0/16", "11.0.0.0/9", "x"] };
    expect(problems(prefixRules.validateStatus?.(obj) ?? [])).toEqual([
      ["status.used[1]", "Forbidden"],
      ["status.used[2]", "Forbidden"],
      ["status.used[3]", "Invalid"],
    ]);
    obj.status = { phase: "Pending", used: ["10.0.0.0/9"] };
    expect(paths(prefixRules.validateStatus?.(obj) ?? [])).toEqual(["status.used"]);
  });
});
