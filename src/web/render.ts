// Server-rendered pages: Nunjucks with govuk-frontend's templates and macros.
// Template names: "layout.njk" etc. from src/web/views, "<module>/views/<page>.njk" from src/modules,
// and "govuk/components/<name>/macro.njk" from govuk-frontend.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";
import { formatLondon } from "../platform/clock.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [
        join(here, "views"),
        join(here, "..", "modules"),
        join(root, "node_modules", "govuk-frontend", "dist"),
      ],
      { noCache: process.env.NODE_ENV === "development" && process.env.VIEWS_NO_CACHE === "true" },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter("london", (d: Date | string | null | undefined, pattern?: string) =>
    d ? formatLondon(new Date(d), pattern) : "",
  );
  env.addFilter("londonDate", (d: Date | string | null | undefined) =>
    d ? formatLondon(new Date(d), "d MMMM yyyy") : "",
  );
  env.addFilter("json", (v: unknown) => JSON.stringify(v ?? null).replace(/</g, "\\u003c"));
  return env;
}
