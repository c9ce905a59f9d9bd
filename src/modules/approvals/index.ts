// Two-person approval of bulk exports: the module's public surface. A module whose export can be
// bulk asks needsApproval(), records requestExport() with its replayable parameters, and on
// download calls approvedExport() then markDownloaded() before sending the file.
export { approvalsPages, renderApprovals } from "./approvals.pages.ts";
export {
  approvedExport,
  DOWNLOAD_WINDOW_HOURS,
  markDownloaded,
  needsApproval,
  requestExport,
} from "./approvals.service.ts";
