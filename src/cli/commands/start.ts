import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("start")
    .description(
      "Serve Lantern (web pages, API and the job worker). With no DATABASE_URL it uses embedded PGlite in DATA_DIR and loads the synthetic demo county on first start.",
    )
    .option("-p, --port <port>", "port to listen on (default: PORT or 3000)")
    .option("--no-seed", "do not load the demo county into an empty database")
    .action(async (opts: { port?: string; seed: boolean }) => {
      const { configOrExit, orExit } = await import("../runtime.ts");
      const config = configOrExit(opts.port ? { PORT: opts.port } : {});
      const { startLantern } = await import("../../boot.ts");
      const { seedIfEmpty, demoSignInsText } = await import("../../modules/demo/index.ts");
      const t0 = Date.now();
      const running = await orExit(
        startLantern(config, {
          seed:
            opts.seed && config.DEMO_SEED
              ? (app) => seedIfEmpty(app, { children: config.DEMO_CHILDREN })
              : undefined,
        }),
      );
      const url = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      const lines = [
        "",
        `Lantern is running at ${url}  (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        `Database: ${running.app.database.describe}`,
        `API documentation: ${url}/api/docs`,
        "",
        await demoSignInsText(running.app),
        "Press Ctrl+C to stop.",
        "",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await running.stop();
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
}
