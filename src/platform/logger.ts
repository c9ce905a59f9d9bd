// Structured JSON logs (pino). One logger for the process; modules take children of it.
import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service: "lantern" },
    redact: {
      paths: ["req.headers.cookie", "req.headers.authorization", "password", "*.password", "body.password"],
      censor: "[redacted]",
    },
  });
}
