// The master child index: linkage runs, the review queue, decisions with undo, and the data-gaps report.

export { dataGaps } from "./data-gaps.service.ts";
export { clusterUnderDecisions } from "./linkage.cluster.ts";
export { linkagePages } from "./linkage.pages.ts";
export { linkageRoutes } from "./linkage.routes.ts";
export {
  AUTO_THRESHOLD,
  JOB_RUN,
  LinkageService,
  linkageService,
  REVIEW_THRESHOLD,
} from "./linkage.service.ts";
