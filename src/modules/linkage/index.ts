// The master child index: linkage runs, the review queue, decisions with undo, and the data-gaps report.
export { clusterUnderDecisions } from "./linkage.cluster.ts";
export {
  AUTO_THRESHOLD,
  JOB_RUN,
  LinkageService,
  linkageService,
  REVIEW_THRESHOLD,
} from "./linkage.service.ts";
