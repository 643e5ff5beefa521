import type { ApiError } from "@ironcore-ts/apimachinery";

/**
 * A failure the user caused or should act on. main prints it as `error: <message>` and exits
 * with `exitCode`, the way kubectl reports client-side errors.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Recognises an ApiError by shape rather than `instanceof`: the client and this package could
 * load two copies of apimachinery, and the class identity would then differ.
 */
export function asApiError(err: unknown): ApiError | undefined {
  if (
    err instanceof Error &&
    err.name === "ApiError" &&
    typeof (err as Partial<ApiError>).reason === "string"
  ) {
    return err as ApiError;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return asApiError(err)?.reason === "NotFound";
}

/**
 * The line kubectl prints for a server-side failure, e.g.
 * `Error from server (Invalid): error when applying "nic.yaml": NetworkInterface... is invalid: [...]`.
 */
export function serverErrorLine(err: ApiError, action?: { verb: string; source: string }): string {
  const where = action ? `error when ${action.verb} "${action.source}": ` : "";
  return `Error from server (${err.reason}): ${where}${err.message}`;
}

/** The line to print for any error a command did not handle itself. */
export function errorLine(err: unknown, server: string): string {
  const api = asApiError(err);
  if (api?.reason === "Unavailable") {
    return `error: unable to reach the IronCore API at ${server} (set --server or IRONCORE_API): ${api.message}`;
  }
  if (api) return serverErrorLine(api);
  if (err instanceof CliError) return `error: ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/** A mistake in how the command was called: main adds a pointer to the command's --help. */
export class UsageError extends CliError {
  override name = "UsageError";
}
