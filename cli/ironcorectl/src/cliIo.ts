/** Where a command writes and reads: the process streams, or buffers in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Read only when a command is given `-f -`. */
  stdin: AsyncIterable<string | Uint8Array>;
  /** Defaults to process.env; tests pass their own so IRONCORE_API does not leak in. */
  env?: Record<string, string | undefined>;
  /** Ends long-running commands (`get --watch`) from the outside; Ctrl-C does this for a process. */
  signal?: AbortSignal;
}

/** Reads all of stdin as UTF-8 text. */
export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
