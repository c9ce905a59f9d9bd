// The disruption module's public surface: tactics against adults, places and businesses (and NRM
// referrals for children), breaches, counts, and the expiry warnings job.
import type { App } from "../../app.ts";
import type { RouteDef } from "../../http/routes.ts";
import { disruptionPages } from "./disruption.pages.ts";
import { disruptionRoutes } from "./disruption.routes.ts";
import { DisruptionService } from "./disruption.service.ts";

export { TACTIC_LABELS, TACTIC_SUBJECTS } from "./disruption.schema.ts";
export { DisruptionService, stateOf, WARN_DAYS, warnExpiring } from "./disruption.service.ts";
export { TACTICS, type Tactic } from "./disruption.tables.ts";

const built = new WeakMap<App, DisruptionService>();
export function disruptionService(app: App): DisruptionService {
  let s = built.get(app);
  if (!s) {
    s = new DisruptionService(app.db, app.clock);
    built.set(app, s);
  }
  return s;
}

export const disruptionApi = (app: App): RouteDef[] => disruptionRoutes(app, disruptionService(app));
export const disruptionWeb = (app: App): RouteDef[] => disruptionPages(app, disruptionService(app));
