import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("worker")
    .description(
      "Run the job worker as its own process (run the web with RUN_WORKER=false). PostgreSQL only: the embedded database is owned by one process.",
    )
    .option("--once", "run the jobs that are due, then exit")
    .action(async (opts: { once?: boolean }) => {
      const { configOrExit, withApp } = await import("../runtime.ts");
      const config = configOrExit();
      const { buildWorker } = await import("../../boot.ts");
      await withApp(config, async (app) => {
        const worker = buildWorker(app);
        if (opts.once) {
          await worker.enqueueSchedules();
          const n = await worker.drain(10_000);
          process.stdout.write(`${n} job(s) run\n`);
          return;
        }
        worker.start();
        process.stdout.write(`Worker running against ${app.database.describe}. Ctrl+C to stop.\n`);
        await new Promise<void>((resolve) => {
          const stop = () => worker.stop().then(resolve);
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
      });
    });
}
