// The missing module's public surface: episodes, return-home interviews, placements.
export { missingPages } from "./missing.pages.ts";
export { missingRoutes } from "./missing.routes.ts";
export { recordEpisode, recordInterview, recordReturn } from "./missing.service.ts";
