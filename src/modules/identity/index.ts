export { identityPages } from "./identity.pages.ts";
export { identityRoutes } from "./identity.routes.ts";
export { hashPassword, IdentityService, passwordConfirmed } from "./identity.service.ts";
export { ROLE_LABELS, ROLES, type Role } from "./roles.ts";
