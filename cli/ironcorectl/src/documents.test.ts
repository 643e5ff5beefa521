import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseManifests, readManifests } from "./documents.js";

const names = (ms: { object: Record<string, unknown> }[]) =>
  ms.map((m) => (m.object.metadata as { name: string }).name);

describe("parseManifests", () => {
  it("reads multi-document YAML, skipping empty documents and comments", () => {
    const text = [
      "# a comment before everything",
      "---",
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: Network",
      "metadata:",
      "  name: a # trailing comment",
      "---",
      "# only a comment",
      "---",
      "apiVersion: networking.ironcore.dev/v1alpha1",
      "kind: VirtualIP",
      "metadata: {name: b}",
      "spec: {type: Public, ipFamily: IPv4}",
      "---",
    ].join("\n");
    const ms = parseManifests(text, "x.yaml");
    expect(names(ms)).toEqual(["a", "b"]);
    expect(ms[1]!.object.spec).toEqual({ type: "Public", ipFamily: "IPv4" });
    expect(ms.every((m) => m.source === "x.yaml")).toBe(true);
  });

  it("reads YAML 1.2: On/Off/yes stay strings, IPs stay strings", () => {
    const [m] = parseManifests("kind: Machine\nspec: {power: On, x: yes, ip: 10.0.0.1, n: 64}\n", "m.yaml");
    expect(m!.object.spec).toEqual({ power: "On", x: "yes", ip: "10.0.0.1", n: 64 });
  });

  it("reads JSON, one object or several concatenated", () => {
    expect(names(parseManifests('{"kind":"Network","metadata":{"name":"a"}}', "a.json"))).toEqual(["a"]);
    const stream = '{"kind":"Network","metadata":{"name":"a"}}\n{"kind":"Network","metadata":{"name":"b}{"}}';
    expect(names(parseManifests(stream, "s.json"))).toEqual(["a", "b}{"]);
  });

  it("expands List documents, also nested and in JSON", () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [
        { kind: "Network", metadata: { name: "a" } },
        { kind: "NetworkList", items: [{ kind: "Network", metadata: { name: "b" } }] },
      ],
    };
    expect(names(parseManifests(JSON.stringify(list), "l.json"))).toEqual(["a", "b"]);
    expect(
      names(parseManifests("kind: List\nitems:\n- kind: Network\n  metadata: {name: c}\n", "l.yaml")),
    ).toEqual(["c"]);
  });

  it("reports YAML syntax errors and non-object documents with the file name", () => {
    expect(() => parseManifests("kind: Network\n  bad: indent: here\n", "bad.yaml")).toThrow(
      /^error parsing bad.yaml: /,
    );
    expect(() => parseManifests("- a\n- b\n", "list.yaml")).toThrow(
      "error parsing list.yaml: document 1 is not an object",
    );
    expect(() => parseManifests("{nope", "bad.json")).toThrow(/^error parsing bad.json: /);
  });
});

describe("readManifests", () => {
  it("reads a directory's .yaml/.yml/.json files in name order, not other files or subdirectories", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ironcorectl-docs-"));
    await writeFile(join(dir, "b.yml"), "kind: Network\nmetadata: {name: from-b}\n");
    await writeFile(join(dir, "a.yaml"), "kind: Network\nmetadata: {name: from-a}\n");
    await writeFile(join(dir, "c.json"), '{"kind":"Network","metadata":{"name":"from-c"}}');
    await writeFile(join(dir, "README.md"), "# not a manifest");
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "d.yaml"), "kind: Network\nmetadata: {name: from-sub}\n");
    const stdin = Readable.from([]);
    expect(names(await readManifests([dir], { stdin }))).toEqual(["from-a", "from-b", "from-c"]);
    expect(names(await readManifests([dir], { stdin, recursive: true }))).toEqual([
      "from-a",
      "from-b",
      "from-c",
      "from-sub",
    ]);
  });

  it("reads stdin for -", async () => {
    const stdin = Readable.from([
      "kind: Network\nmetadata: {name: piped}\n---\n",
      "kind: Network\nmetadata: {name: two}\n",
    ]);
    const ms = await readManifests(["-"], { stdin });
    expect(names(ms)).toEqual(["piped", "two"]);
    expect(ms[0]!.source).toBe("STDIN");
  });

  it("says which path does not exist", async () => {
    await expect(readManifests(["/nonexistent/x.yaml"], { stdin: Readable.from([]) })).rejects.toThrow(
      'the path "/nonexistent/x.yaml" does not exist',
    );
  });
});
