import type { Command } from "commander";

const MAX_CHILDREN = 1_000_000;

/** A whole number within bounds, or null. */
function wholeNumber(value: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(value.trim())) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

export function register(program: Command): void {
  const demo = program
    .command("demo")
    .description("The synthetic demo county (Kestershire): fictional agencies, staff and children");
  demo
    .command("seed")
    .description(
      "Load the synthetic demo county in one transaction. Refuses a database that already has agencies unless --replace.",
    )
    .option("--children <n>", "number of children (agencies and staff are fixed)", "2000")
    .option("--seed <s>", "random seed: the same seed and size give the same county", "1")
    .option(
      "--reference-date <date>",
      "the date the data is relative to: YYYY-MM-DD or 'today' (London)",
      "today",
    )
    .option(
      "--replace",
      "replace an existing demo county: empty the agencies and everything that refers to them first, in the same transaction (refused when the database holds agencies that are not the demo's)",
    )
    .action(async (opts: { children: string; seed: string; referenceDate: string; replace?: boolean }) => {
      const { configOrExit, fail, withApp } = await import("../runtime.ts");
      const children = wholeNumber(opts.children, 0, MAX_CHILDREN);
      if (children === null) {
        return fail(
          `--children must be a whole number from 0 to ${MAX_CHILDREN.toLocaleString("en-GB")} (got "${opts.children}")`,
        );
      }
      const seed = wholeNumber(opts.seed, -(2 ** 31), 2 ** 32 - 1);
      if (seed === null) return fail(`--seed must be a whole number (got "${opts.seed}")`);
      const { londonDate } = await import("../../platform/clock.ts");
      const referenceDate = opts.referenceDate === "today" ? londonDate(new Date()) : opts.referenceDate;
      const { parseIsoDate } = await import("../../modules/demo/demo.identifiers.ts");
      try {
        parseIsoDate(referenceDate);
      } catch {
        return fail(
          `--reference-date must be a date as YYYY-MM-DD, or "today" (got "${opts.referenceDate}")`,
        );
      }
      const config = configOrExit();
      const { DemoSeedRefused, demoSignInsText, progressReporter, seedDemo } = await import(
        "../../modules/demo/index.ts"
      );
      const t0 = performance.now();
      const bar = progressReporter(process.stderr);
      const outcome = await withApp(config, async (app) => {
        try {
          const counts = await seedDemo(app.db, {
            children,
            seed,
            referenceDate,
            replace: Boolean(opts.replace),
            onProgress: bar.update,
          });
          bar.stop();
          return { counts, banner: await demoSignInsText(app), where: app.database.describe };
        } catch (e) {
          bar.stop();
          if (e instanceof DemoSeedRefused) return { refused: e.message };
          throw e;
        }
      });
      if ("refused" in outcome) return fail(`nothing loaded: ${outcome.refused}`);
      const seconds = (performance.now() - t0) / 1000;
      const width = Math.max(...Object.keys(outcome.counts).map((k) => k.length));
      const lines = [
        `Loaded the Kestershire demo county (seed ${seed}, dates relative to ${referenceDate}) into ${outcome.where} in ${seconds.toFixed(1)} s:`,
        ...Object.entries(outcome.counts).map(
          ([k, v]) => `  ${k.replace(/_/g, " ").padEnd(width)}  ${v.toLocaleString("en-GB").padStart(9)}`,
        ),
        "",
        outcome.banner,
      ];
      process.stdout.write(`${lines.join("\n")}`);
    });
}
