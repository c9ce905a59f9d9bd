// Exploitation risk assessment: the module's public surface.
export { assessmentPages } from "./assessments.pages.ts";
export { assessmentRoutes, exampleAssessment } from "./assessments.routes.ts";
export {
  AssessmentService,
  assessmentService,
  redactAssessment,
  reviewsDueFor,
} from "./assessments.service.ts";
export { describeTrajectory, trajectorySvg } from "./chart.ts";
export { scoreAssessment, suggestCinFactors } from "./scoring.ts";
export { CURRENT_TOOL, LEVEL_LABELS, TOOLS, toolFor } from "./tool.ts";
