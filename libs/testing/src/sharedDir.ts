import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is libs/testing/src/sharedDir.ts). */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * The project's shared documents live beside the repository (`../shared`), on developer
 * machines and in CI alike: resolve them from the repository, never from an absolute path.
 */
export function sharedDir(...parts: string[]): string {
  return join(repoRoot, "..", "shared", ...parts);
}

/** The seed documents' YAML examples, which must apply unchanged. */
export function seedExamplesDir(): string {
  return sharedDir("seed-examples");
}
