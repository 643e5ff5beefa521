import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { CliIO } from "./cliIo.js";
import { type Command, CommandContext, defaultServer } from "./command.js";
import { apiResourcesCommand } from "./commands/apiResources.js";
import { applyCommand } from "./commands/apply.js";
import { deleteCommand } from "./commands/delete.js";
import { describeCommand } from "./commands/describe.js";
import { getCommand } from "./commands/get.js";
import { versionCommand } from "./commands/version.js";
import { waitCommand } from "./commands/wait.js";
import { CliError, errorLine, UsageError } from "./errors.js";
import { commonFlags, parseFlags } from "./flags.js";
import { commandHelp, rootHelp } from "./help.js";

export const commands: readonly Command[] = [
  getCommand,
  describeCommand,
  applyCommand,
  deleteCommand,
  waitCommand,
  apiResourcesCommand,
  versionCommand,
];

/** Global flags that take a value, so `ironcorectl -n test get nic` finds `get` as the command. */
const valueFlags = new Set(
  Object.entries(commonFlags)
    .filter(([, s]) => s.type === "string")
    .flatMap(([name, s]) => [`--${name}`, ...(s.short ? [`-${s.short}`] : [])]),
);

function splitCommand(argv: readonly string[]): { name?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("-")) return { name: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    if (valueFlags.has(token)) i++;
  }
  return { rest: [...argv] };
}

/**
 * Runs one ironcorectl invocation: argv (without `node` and the script) to an exit code.
 * Output goes to io only, so tests drive the CLI in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (name === undefined || name === "help") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic) : rootHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `error: unknown command "${name}" for "ironcorectl"\nRun 'ironcorectl --help' for usage.\n`,
    );
    return 1;
  }
  let server = (io.env ?? process.env).IRONCORE_API || defaultServer;
  try {
    const { flags, positionals } = parseFlags({ ...command.flags, ...commonFlags }, rest);
    if (flags.bool("help")) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const ctx = new CommandContext(io, command, flags, positionals);
    server = ctx.server;
    return await command.run(ctx);
  } catch (err) {
    io.stderr.write(`${errorLine(err, server)}\n`);
    if (err instanceof UsageError) io.stderr.write(`See 'ironcorectl ${command.name} --help' for usage.\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

/** Runs the CLI as this process: real streams, exit code, Ctrl-C. */
export async function runAsProcess(): Promise<never> {
  // `pnpm ironcorectl ...` runs in the repository root; file arguments are relative to where
  // the user typed the command, which pnpm passes as INIT_CWD.
  if (process.env.npm_lifecycle_event === "ironcorectl" && process.env.INIT_CWD)
    process.chdir(process.env.INIT_CWD);
  // A watch or wait runs until interrupted; leave at once, as kubectl does (128 + SIGINT).
  process.once("SIGINT", () => process.exit(130));
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
  // Exit explicitly: the shared HTTP/2 connection to the server would keep the process alive.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) await runAsProcess();
