// Shared by CLI commands: configuration that fails with one line, and opening the database.
import type { App } from "../app.ts";
import { DatabaseUnavailable } from "../db/database.ts";
import { MigrationError } from "../db/migrator.ts";
import { type Config, ConfigError, loadConfig } from "../platform/config.ts";

/** Prints one line to stderr and exits 1. */
export function fail(message: string): never {
  process.stderr.write(`lantern: ${message}\n`);
  process.exit(1);
}

/** Turns the errors a person can fix into one clear line; anything else is a bug and keeps its stack. */
export function explainStartupError(e: unknown): string | null {
  if (e instanceof ConfigError) return e.message;
  if (e instanceof DatabaseUnavailable) return `Database unavailable: ${e.message}`;
  if (e instanceof MigrationError) return `Database not started: ${e.message}`;
  const err = e as { code?: string; port?: number; address?: string; message?: string };
  if (err?.code === "EADDRINUSE") return `Cannot listen: port ${err.port ?? ""} is already in use (set PORT)`;
  if (err?.code === "EACCES")
    return `Cannot listen: permission denied for port ${err.port ?? ""} (set PORT above 1024)`;
  if (err?.code === "EADDRNOTAVAIL")
    return `Cannot listen: address ${err.address ?? ""} is not available here (set HOST)`;
  return null;
}

export function configOrExit(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return loadConfig({ ...process.env, ...overrides });
  } catch (e) {
    fail(explainStartupError(e) ?? String(e));
  }
}

export async function orExit<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const line = explainStartupError(e);
    if (line) fail(line);
    throw e;
  }
}

/** Opens the app (database + migrations) for a one-off command, runs fn, closes. */
export async function withApp<T>(config: Config, fn: (app: App) => Promise<T>): Promise<T> {
  const { openApp } = await import("../boot.ts");
  const { createLogger } = await import("../platform/logger.ts");
  // One-off commands are quiet unless LOG_LEVEL asks otherwise: their output is for a person.
  const app = await orExit(openApp(config, { logger: createLogger(process.env.LOG_LEVEL ?? "warn") }));
  try {
    return await fn(app);
  } finally {
    await app.database.close();
  }
}
