import type { Command } from "commander";

export function register(program: Command): void {
  const audit = program.command("audit").description("The tamper-evident audit log");
  audit
    .command("verify")
    .description(
      "Re-check the audit log's hash chain; exit 1 naming the first row that was changed or removed",
    )
    .action(async () => {
      const { configOrExit, withApp } = await import("../runtime.ts");
      const config = configOrExit();
      const { verifyAuditChain } = await import("../../modules/audit/audit.service.ts");
      const result = await withApp(config, (app) =>
        verifyAuditChain(app.db, (n) => {
          if (process.stderr.isTTY) process.stderr.write(`\rchecked ${n} rows`);
        }),
      );
      if (process.stderr.isTTY) process.stderr.write("\n");
      if (result.ok) {
        process.stdout.write(`Audit log intact: ${result.rows} rows, hash chain verified.\n`);
        return;
      }
      process.stderr.write(
        `Audit log TAMPERED: row ${result.firstBadId} — ${result.problem}. ${result.rows} rows before it are intact.\n`,
      );
      process.exitCode = 1;
    });
}
