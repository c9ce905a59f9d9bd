// Reporting: aggregate figures for boards, committees and managers — the partnership report.
// (Small-number suppression lives in the access module, as part of the security model; the SVG
// line chart in web/chart.ts.)
export {
  AGENCY_KIND_LABELS,
  buildPartnershipReport,
  PARTNERSHIP_REPORT_ROLES,
  safePercent,
} from "./partnership.service.ts";
export { reportingPages } from "./reporting.pages.ts";
export { reportingRoutes } from "./reporting.routes.ts";
