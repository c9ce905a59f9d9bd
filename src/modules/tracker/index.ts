// The tracker module's public surface: the MACE cohort, plans and actions, meetings.
export { meetingsPages } from "./meetings.pages.ts";
export { addAction, addGoal, updateAction } from "./plans.service.ts";
export { registerTrackerJobs } from "./tracker.jobs.ts";
export { trackerPages } from "./tracker.pages.ts";
export { trackerRoutes } from "./tracker.routes.ts";
export { addToCohort, listTracker } from "./tracker.service.ts";
