// Reporting API: the partnership report's figures as JSON (aggregates only; hidden numbers carry
// no value).
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/index.ts";
import { buildPartnershipReport, PARTNERSHIP_REPORT_ROLES } from "./partnership.service.ts";

export const partnershipQuery = z.object({
  to: z
    .string()
    .regex(/^\d{4}-(01|04|07|10)$/, "Give the last quarter as its first month: YYYY-04, -07, -10 or -01")
    .optional(),
});

export function reportingRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/reports/partnership",
      kind: "api",
      summary:
        "The partnership report: referrals, screening, children, missing and return-home interviews, MACE, disruption, for four financial quarters",
      description:
        'Aggregates only. A count from 1 to 4 is shown as "<5" and a count that would give one away from a total as "[c]"; hidden figures have value null. Percentages are hidden when their count or the rest of their base is from 1 to 4. `to` is the last quarter\'s first month (default: the current quarter, to date).',
      tags: ["reporting"],
      access: rolesOnly(...PARTNERSHIP_REPORT_ROLES),
      query: partnershipQuery,
      handler: async ({ req, reply, user, query }) => {
        const report = await buildPartnershipReport(
          app,
          { userId: user!.id, agencyId: user!.agencyId },
          actorOf(user!, req),
          { to: query.to },
        );
        reply.header("cache-control", "no-store");
        const { charts: _charts, ...figures } = report;
        return figures;
      },
    }),
  ];
}
