import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Used when the caller passes no logger: warnings and errors only, so libraries stay quiet. */
export function defaultLogger(): Logger {
  return pino({ name: "routebus", level: process.env.ROUTEBUS_LOG_LEVEL ?? "warn" });
}
