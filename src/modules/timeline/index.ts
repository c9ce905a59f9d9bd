// The child's timeline: the module's public surface.
export { timelineRoutes } from "./timeline.routes.ts";
export {
  childTimeline,
  recordExtras,
  registerTimelineSource,
  type TimelineEvent,
  type TimelineSource,
  timelineIn,
} from "./timeline.service.ts";
