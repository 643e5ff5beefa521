import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "libs/*/src/**/*.test.ts",
      "services/*/src/**/*.test.ts",
      "cli/*/src/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Integration tests share one Redis and one NATS; keys and subjects are namespaced per test
    // run, so files may run in parallel.
    fileParallelism: true,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
