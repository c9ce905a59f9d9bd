import type { Command } from "commander";

export function register(program: Command): void {
  const db = program.command("db").description("Database: migrations and status");
  db.command("migrate")
    .description("Apply pending migrations (each in its own transaction; a failure rolls back and exits 1)")
    .action(async () => {
      const { configOrExit, orExit, fail } = await import("../runtime.ts");
      const config = configOrExit();
      const { openDatabase } = await import("../../db/database.ts");
      const { migrate } = await import("../../db/migrator.ts");
      const database = await orExit(openDatabase(config));
      try {
        const applied = await migrate(database.db, {
          onApplied: (n) => process.stdout.write(`applied ${n}\n`),
        });
        process.stdout.write(
          applied.length
            ? `${applied.length} migration(s) applied to ${database.describe}\n`
            : `Nothing to apply: ${database.describe} is up to date\n`,
        );
      } catch (e) {
        await database.close();
        fail((e as Error).message);
      }
      await database.close();
    });
  db.command("status")
    .description("List applied and pending migrations")
    .action(async () => {
      const { configOrExit, orExit } = await import("../runtime.ts");
      const config = configOrExit();
      const { openDatabase } = await import("../../db/database.ts");
      const { listMigrations, pendingMigrations } = await import("../../db/migrator.ts");
      const database = await orExit(openDatabase(config));
      try {
        const pending = new Set((await pendingMigrations(database.db)).map((m) => m.name));
        for (const m of listMigrations())
          process.stdout.write(`${pending.has(m.name) ? "pending " : "applied "} ${m.name}\n`);
      } finally {
        await database.close();
      }
    });
}
