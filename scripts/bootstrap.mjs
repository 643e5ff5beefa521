#!/usr/bin/env node
// Entry point behind `npm start` and `npm test`. A fresh clone has only Node and npm, so this
// script brings the pinned pnpm (into .tools/, never global), installs the workspace when the
// lockfile changed, generates the protobuf code when the protos changed, and then hands over to
// `pnpm run <script>`. It is plain ESM JavaScript on purpose: nothing else is installed yet.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PNPM_VERSION = "12.21.0";
const toolsDir = join(root, ".tools");
const localPnpm = join(toolsDir, "node_modules", ".bin", "pnpm");

function say(msg) {
  process.stderr.write(`[bootstrap] ${msg}\n`);
}

// Scripts call `pnpm` by name (e.g. `check` runs `pnpm run lint`), so the pinned pnpm in .tools/
// must be on their PATH too, not only on ours.
const env = {
  ...process.env,
  PATH: `${join(toolsDir, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function capture(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env });
  return r.status === 0 ? r.stdout.trim() : null;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function ensurePnpm() {
  if (capture("pnpm", ["--version"]) === PNPM_VERSION) return "pnpm";
  if (existsSync(localPnpm) && capture(localPnpm, ["--version"]) === PNPM_VERSION) return localPnpm;
  say(`installing pnpm ${PNPM_VERSION} into .tools/ (one time)`);
  mkdirSync(toolsDir, { recursive: true });
  const status = run("npm", [
    "install",
    "--prefix",
    toolsDir,
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `pnpm@${PNPM_VERSION}`,
  ]);
  if (status !== 0) throw new Error("could not install pnpm with npm");
  return localPnpm;
}

function ensureInstalled(pnpm) {
  const marker = join(root, "node_modules", ".pnpm", "lock.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  const manifests = [join(root, "package.json"), join(root, "pnpm-workspace.yaml")];
  for (const group of ["libs", "services", "cli"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) manifests.push(join(dir, name, "package.json"));
  }
  manifests.push(join(root, "test", "package.json"), join(root, "bench", "package.json"));
  const installedAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const changedAt = Math.max(newestMtime(lock), ...manifests.map(newestMtime));
  if (installedAt >= changedAt) return;
  say("installing the workspace (pnpm install)");
  const args = ["install", "--reporter=append-only"];
  if (process.env.CI && existsSync(lock)) args.push("--frozen-lockfile");
  if (run(pnpm, args) !== 0) throw new Error("pnpm install failed");
}

function ensureGenerated(pnpm) {
  const image = join(root, "libs", "gen", "src", "image.binpb");
  const generatedAt = existsSync(image) ? statSync(image).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(join(root, "proto")),
    newestMtime(join(root, "buf.yaml")),
    newestMtime(join(root, "buf.gen.yaml")),
  );
  if (generatedAt >= sourcesAt) return;
  say("generating protobuf code (buf generate)");
  if (run(pnpm, ["run", "--silent", "generate"]) !== 0) throw new Error("code generation failed");
}

const [mode, script, ...rest] = process.argv.slice(2);
if (mode !== "run" || !script) {
  say("usage: bootstrap.mjs run <script> [args...]");
  process.exit(2);
}
const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  say(`Node ${process.versions.node} is too old: ironcore-ts needs Node 20 or newer`);
  process.exit(1);
}
try {
  const pnpm = ensurePnpm();
  ensureInstalled(pnpm);
  ensureGenerated(pnpm);
  // `pnpm run` forwards signals; exit with the script's own status so CI sees failures.
  process.exit(run(pnpm, ["run", "--silent", script, ...rest]));
} catch (err) {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
