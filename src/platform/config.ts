// One zod-validated view of the environment. Anything wrong stops the process at start with a
// one-line message naming the setting (see loadConfig / ConfigError).
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce
    .number({ message: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(3000),
  PUBLIC_URL: z.url({ message: "must be a URL such as https://lantern.example.gov.uk" }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// (leave it unset to use the embedded database)")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  COOKIE_SECURE: bool.default(true),
  RUN_WORKER: bool.default(true),
  DEMO_SEED: bool.default(true),
  DEMO_CHILDREN: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** An export listing more children than this needs a second person's approval. */
  BULK_EXPORT_CHILDREN: z.coerce.number().int().min(0).max(1_000_000).default(25),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string; sessionSecret: string };

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${setting} ${reason}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue.path[0] ?? "environment");
    const shown = clean[setting] === undefined ? "" : ` (got "${String(clean[setting]).slice(0, 60)}")`;
    throw new ConfigError(setting, `${issue.message}${shown}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === "production" && !c.SESSION_SECRET) {
    throw new ConfigError("SESSION_SECRET", "is required in production (at least 32 random characters)");
  }
  const dataDir =
    c.DATA_DIR === ":memory:" || isAbsolute(c.DATA_DIR) ? c.DATA_DIR : resolve(process.cwd(), c.DATA_DIR);
  return {
    ...c,
    dataDir,
    // Development without a secret: derive one per data directory so sessions survive restarts.
    sessionSecret: c.SESSION_SECRET ?? `dev-only-secret:${dataDir}:change-me-in-production`,
  };
}

/** Where the database lives, for messages: host:port/db for PostgreSQL, the folder for PGlite. */
export function describeDatabase(c: Pick<Config, "DATABASE_URL" | "dataDir">): string {
  if (!c.DATABASE_URL) return `embedded PGlite in ${c.dataDir}/pglite`;
  try {
    const u = new URL(c.DATABASE_URL);
    return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}
