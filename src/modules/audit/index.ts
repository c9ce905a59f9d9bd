export { auditPages } from "./audit.pages.ts";
export { type Actor, audit, auditFor, verifyAuditChain } from "./audit.service.ts";
