import { type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else "info". */
  level?: string;
  /** Default: LOG_FORMAT, else "pretty" when stdout is a terminal and "json" otherwise. */
  format?: LogFormat;
  /** Where lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * The service's logger: one JSON object per line (for log collectors), or human-readable lines for
 * a person at a terminal. Every line carries `service`.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const format = options.format ?? formatFromEnv();
  const base = { service, pid: process.pid };
  if (format === "pretty") {
    // A stream in this process rather than pino's transport worker: nothing is lost when the
    // process exits right after logging (shutdown), and there is no extra thread.
    const stream = pretty({
      sync: true,
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      translateTime: "SYS:HH:MM:ss.l",
      // The service name is already the line prefix under `npm start`; one line per event keeps
      // several services' logs readable side by side.
      ignore: "pid,hostname,service",
      singleLine: true,
      destination: options.destination ?? 1,
    });
    return pino({ level, base }, stream);
  }
  return pino(
    { level, base, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

function formatFromEnv(): LogFormat {
  const v = process.env.LOG_FORMAT;
  if (v === undefined || v === "") return process.stdout.isTTY ? "pretty" : "json";
  if (v === "json" || v === "pretty") return v;
  throw new Error(`LOG_FORMAT must be "json" or "pretty", got ${JSON.stringify(v)}`);
}
