import { type Logger, pino } from "pino";

/** The logger used when a caller passes none: library code must not write to stdout uninvited. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
