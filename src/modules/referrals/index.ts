// Referrals and joint screening: the module's public surface.
export { referralHome } from "./referrals.home.ts";
export { referralPages } from "./referrals.pages.ts";
export { referralRoutes } from "./referrals.routes.ts";
export { childBasicsIn, ReferralService, referralService } from "./referrals.service.ts";
export { CONCERN_SHORT, CONCERN_TYPES, DECISION_LABELS, DECISIONS } from "./referrals.vocab.ts";
export { screeningPages } from "./screening.pages.ts";
