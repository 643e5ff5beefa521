export type { CliIO } from "./cliIo.js";
export { commands, runCli } from "./main.js";
