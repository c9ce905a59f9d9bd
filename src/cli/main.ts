// The `lantern` command line. Every file in ./commands registers its own sub-commands, so a new
// command is one new file. Heavy modules are imported inside each action, keeping `--help` quick.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";

const program = new Command("lantern")
  .description("Lantern: multi-agency safeguarding against child exploitation")
  .showHelpAfterError()
  .enablePositionalOptions();

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(join(here, "commands"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .sort();
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, "commands", file)).href)) as {
    register?: (p: Command) => void;
  };
  mod.register?.(program);
}

await program.parseAsync(process.argv);
