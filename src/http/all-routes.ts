// Every route and page Lantern serves, module by module. A module adds its routes here.
import type { App } from "../app.ts";
import { identityPages, identityRoutes } from "../modules/identity/index.ts";
import { shellPages } from "../web/pages.ts";
import type { RouteDef } from "./routes.ts";
import { systemRoutes } from "./system.routes.ts";

export function allRoutes(app: App): RouteDef[] {
  return [...systemRoutes(app), ...identityRoutes(app), ...identityPages(app), ...shellPages(app)];
}
