// The home page's "your work": a practitioner's referrals and their status, referrals not yet sent
// and risk assessments due for review; a screener's queue; a manager's escalated referrals.
import type { FastifyRequest } from "fastify";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { reviewsDueFor } from "../assessments/index.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { concernsText, LABELS } from "./referrals.present.ts";
import { referralService } from "./referrals.service.ts";

export async function referralHome(
  app: App,
  user: SessionUser,
  req: FastifyRequest,
): Promise<{ template: string; data: Record<string, unknown> } | null> {
  if (!user.roles.some((r) => SAFEGUARDING_ROLES.includes(r))) return null;
  const svc = referralService(app);
  const actor = actorOf(user, req);
  const mine = await svc.mine(user, actor);
  const queue = user.roles.includes("screener") ? await svc.queue(user, actor, {}) : null;
  const escalations = await svc.escalationsFor(user);
  const reviews = await reviewsDueFor(app, user);
  return {
    template: "referrals/views/home.njk",
    data: {
      myReferrals: mine.referrals.slice(0, 10),
      myReferralCount: mine.referrals.length,
      drafts: mine.drafts,
      queue: queue ? { rows: queue.rows.slice(0, 10), counts: queue.counts, total: queue.rows.length } : null,
      escalations,
      reviews,
      labels: LABELS,
      concernsText,
    },
  };
}
