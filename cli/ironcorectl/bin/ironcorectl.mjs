#!/usr/bin/env node
// The package ships TypeScript without a build step: tsx compiles src/ on the fly.
import { register } from "tsx/esm/api";

register();
const { runAsProcess } = await import("../src/main.ts");
await runAsProcess();
