// Imports: agencies' extracts, the partnership's tracker and SSDA903 tables into source records.
export { KINDS } from "./imports.fields.ts";
export { importsPages } from "./imports.pages.ts";
export { importsRoutes } from "./imports.routes.ts";
export {
  DATA_GAPS_ROLES,
  hasRole,
  IMPORT_ROLES,
  LINKAGE_ROLES,
  linkageScope,
  RUN_ROLES,
  requireRole,
} from "./imports.scope.ts";
export {
  type BatchView,
  ImportsService,
  importsService,
  JOB_COMMIT,
  JOB_VALIDATE,
} from "./imports.service.ts";
export { formulaSafe, isFormulaLike } from "./imports.validate.ts";
