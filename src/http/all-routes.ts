// Every route and page Lantern serves, module by module. A module adds its routes here.
import type { App } from "../app.ts";
import { adminPages } from "../modules/admin/index.ts";
import { approvalsPages } from "../modules/approvals/index.ts";
import { assessmentPages, assessmentRoutes } from "../modules/assessments/index.ts";
import { auditPages } from "../modules/audit/index.ts";
import { contextsPages, contextsRoutes } from "../modules/contexts/index.ts";
import { disruptionApi, disruptionWeb } from "../modules/disruption/index.ts";
import { identityPages, identityRoutes } from "../modules/identity/index.ts";
import { importsPages, importsRoutes } from "../modules/imports/index.ts";
import { intelligenceApi, intelligenceWeb } from "../modules/intelligence/index.ts";
import { languagePages, languageRoutes } from "../modules/language/index.ts";
import { linkagePages, linkageRoutes } from "../modules/linkage/index.ts";
import { missingPages, missingRoutes } from "../modules/missing/index.ts";
import { peoplePages, peopleRoutes } from "../modules/people/index.ts";
import { referralPages, referralRoutes, screeningPages } from "../modules/referrals/index.ts";
import { reportingPages, reportingRoutes } from "../modules/reporting/index.ts";
import { timelineRoutes } from "../modules/timeline/index.ts";
import { meetingsPages, trackerPages, trackerRoutes } from "../modules/tracker/index.ts";
import { shellPages } from "../web/pages.ts";
import type { RouteDef } from "./routes.ts";
import { systemRoutes } from "./system.routes.ts";

export function allRoutes(app: App): RouteDef[] {
  return [
    ...systemRoutes(app),
    ...identityRoutes(app),
    ...identityPages(app),
    ...shellPages(app),
    ...peopleRoutes(app),
    ...peoplePages(app),
    ...auditPages(app),
    ...referralRoutes(app),
    ...referralPages(app),
    ...screeningPages(app),
    ...assessmentRoutes(app),
    ...assessmentPages(app),
    ...timelineRoutes(app),
    ...intelligenceApi(app),
    ...intelligenceWeb(app),
    ...disruptionApi(app),
    ...disruptionWeb(app),
    ...adminPages(app),
    ...languageRoutes(app),
    ...languagePages(app),
    ...trackerRoutes(app),
    ...trackerPages(app),
    ...meetingsPages(app),
    ...missingRoutes(app),
    ...missingPages(app),
    ...contextsRoutes(app),
    ...contextsPages(app),
    ...importsRoutes(app),
    ...importsPages(app),
    ...linkageRoutes(app),
    ...linkagePages(app),
    ...approvalsPages(app),
    ...reportingRoutes(app),
    ...reportingPages(app),
  ];
}
