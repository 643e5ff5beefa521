import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { readAll } from "./cliIo.js";
import { CliError } from "./errors.js";

/** One object read from a manifest, with where it came from for messages. */
export interface Manifest {
  object: Record<string, unknown>;
  /** The file as the user named it, or `STDIN`. */
  source: string;
}

const manifestExtensions = new Set([".yaml", ".yml", ".json"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `kind: List` (and `FooList` with `items`) is a container, not an object to send: kubectl
 * applies its items. Lists nest, so expand recursively.
 */
function expandLists(value: Record<string, unknown>, source: string, out: Manifest[]): void {
  const kind = typeof value.kind === "string" ? value.kind : "";
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      if (!isRecord(item)) throw new CliError(`error parsing ${source}: items[${i}] is not an object`);
      expandLists(item, source, out);
    });
    return;
  }
  out.push({ object: value, source });
}

function addValue(value: unknown, position: number, source: string, out: Manifest[]): void {
  // An empty document (only comments, or a stray `---`) is not an error, just nothing.
  if (value === null || value === undefined) return;
  // A JSON array of objects is accepted as a list of documents.
  if (Array.isArray(value)) {
    for (const v of value) addValue(v, position, source, out);
    return;
  }
  if (!isRecord(value)) {
    throw new CliError(`error parsing ${source}: document ${position} is not an object`);
  }
  expandLists(value, source, out);
}

/** Splits concatenated JSON values (`{...}{...}`, as `kubectl get -o json` streams write them). */
function jsonValues(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) {
        values.push(JSON.parse(text.slice(start, i + 1)));
        start = -1;
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      throw new CliError(`error parsing ${source}: unexpected ${JSON.stringify(c)} between JSON documents`);
    }
  }
  if (depth !== 0) throw new CliError(`error parsing ${source}: unexpected end of JSON input`);
  return values;
}

function looksLikeJson(text: string, source: string): boolean {
  if (extname(source).toLowerCase() === ".json") return true;
  const first = text.trimStart()[0];
  return first === "{" || first === "[";
}

/**
 * Parses the text of a manifest: multi-document YAML (`---`), or JSON (one value, or several
 * concatenated). YAML is read as YAML 1.2, so `power: On` stays the string "On" instead of
 * becoming `true` as it would in YAML 1.1.
 */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  if (looksLikeJson(text, source)) {
    try {
      for (const [i, v] of jsonValues(text, source).entries()) addValue(v, i + 1, source, out);
      return out;
    } catch (err) {
      // Not JSON after all (e.g. YAML flow style `{a: b}`): let the YAML parser have it,
      // unless the file says it is JSON.
      if (extname(source).toLowerCase() === ".json") {
        if (err instanceof CliError) throw err;
        throw new CliError(`error parsing ${source}: ${err instanceof Error ? err.message : String(err)}`);
      }
      out.length = 0;
    }
  }
  const docs = parseAllDocuments(text);
  docs.forEach((doc, i) => {
    const problem = doc.errors[0];
    if (problem) throw new CliError(`error parsing ${source}: ${problem.message.split("\n")[0]}`);
    addValue(doc.toJS(), i + 1, source, out);
  });
  return out;
}

async function filesOf(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) files.push(...(await filesOf(path, true)));
    } else if (manifestExtensions.has(extname(e.name).toLowerCase())) {
      files.push(path);
    }
  }
  return files;
}

export interface ReadOptions {
  stdin: AsyncIterable<string | Uint8Array>;
  /** `-R`: also read directories below a directory given with -f. */
  recursive?: boolean;
}

/**
 * Reads every `-f` argument in order: a file, a directory (its .yaml/.yml/.json files in name
 * order, like kubectl), or `-` for stdin.
 */
export async function readManifests(paths: readonly string[], options: ReadOptions): Promise<Manifest[]> {
  const out: Manifest[] = [];
  let stdinUsed = false;
  for (const path of paths) {
    if (path === "-") {
      if (stdinUsed) throw new CliError("-f - may only be given once");
      stdinUsed = true;
      out.push(...parseManifests(await readAll(options.stdin), "STDIN"));
      continue;
    }
    if (/^https?:\/\//.test(path))
      throw new CliError(`reading manifests from URLs is not supported: ${path}`);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new CliError(`the path "${path}" does not exist`);
    const files = info.isDirectory() ? await filesOf(path, options.recursive ?? false) : [path];
    for (const file of files) out.push(...parseManifests(await readFile(file, "utf8"), file));
  }
  return out;
}
