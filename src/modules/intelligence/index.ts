// The intelligence module's public surface: persons of concern, entities, links, intelligence
// reports, the link chart and networks.
import type { App } from "../../app.ts";
import type { RouteDef } from "../../http/routes.ts";
import { intelligencePages } from "./intelligence.pages.ts";
import { intelligenceRoutes } from "./intelligence.routes.ts";
import { intelligenceServices } from "./services.ts";

export { type ChildFacts, childLabel, decideChildren, userScope } from "./child-access.ts";
export { DERIVED_RULES, deriveLinks } from "./derive.service.ts";
export { errorView, parseForm } from "./intelligence.pages.ts";
export { holdsPoliceIntelligence, INTEL_VIEW_ROLES, maySeeRsoFlag } from "./intelligence.policy.ts";
export {
  CHART_TYPE_LABELS,
  type NodeRef,
  nodeKey,
  nodeRefSchema,
  parseNodeRef,
} from "./intelligence.schema.ts";
export { nodeUrl, viewerOf } from "./network.service.ts";
export { addSubjectPanel, type SubjectPanel } from "./panels.ts";
export { intelligenceServices } from "./services.ts";

export const intelligenceApi = (app: App): RouteDef[] => intelligenceRoutes(app, intelligenceServices(app));
export const intelligenceWeb = (app: App): RouteDef[] => intelligencePages(app, intelligenceServices(app));
