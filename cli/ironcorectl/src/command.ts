import { ResourceClient } from "@ironcore-ts/client";
import type { CliIO } from "./cliIo.js";
import type { FlagSpecs, Flags } from "./flags.js";
import { KindResolver } from "./kindResolver.js";

export const defaultServer = "127.0.0.1:7443";

/** One subcommand: its help text, its flags, and what it does. */
export interface Command {
  name: string;
  summary: string;
  /** Lines after `Usage:`. */
  usage: string;
  /** A paragraph for `--help`, if the summary is not enough. */
  description?: string;
  examples: string;
  flags: FlagSpecs;
  run(ctx: CommandContext): Promise<number>;
}

/** What a running command gets: its flags and arguments, the streams, and the server. */
export class CommandContext {
  readonly server: string;
  private clientInstance?: ResourceClient;
  private resolver?: Promise<KindResolver>;

  constructor(
    readonly io: CliIO,
    readonly command: Command,
    readonly flags: Flags,
    readonly args: string[],
  ) {
    const env = io.env ?? process.env;
    this.server = flags.string("server") || env.IRONCORE_API || defaultServer;
  }

  client(): ResourceClient {
    this.clientInstance ??= new ResourceClient(this.server);
    return this.clientInstance;
  }

  /** The kinds the server serves, discovered once per command. */
  kinds(): Promise<KindResolver> {
    this.resolver ??= this.client()
      .kinds()
      .then((kinds) => new KindResolver(kinds));
    return this.resolver;
  }

  /** `-n`, if the user gave one. */
  get explicitNamespace(): string | undefined {
    return this.flags.string("namespace") || undefined;
  }

  /** The namespace requests go to: `-n`, else `default`, like kubectl without a context. */
  get namespace(): string {
    return this.explicitNamespace ?? "default";
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}
