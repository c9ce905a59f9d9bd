// The partnership report page (board, committee, managers, analysts): four quarters of figures
// with small numbers hidden, two charts, and the same figures as tables.
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/index.ts";
import { buildPartnershipReport, PARTNERSHIP_REPORT_ROLES, quarterChoices } from "./partnership.service.ts";

export function reportingPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/reports/partnership",
      kind: "page",
      summary: "Partnership report: how the partnership is doing, quarter by quarter (aggregates only)",
      access: rolesOnly(...PARTNERSHIP_REPORT_ROLES),
      handler: async ({ req, reply, user }) => {
        const to = (req.query as Record<string, unknown>).to;
        const wanted = typeof to === "string" && to !== "" ? to : undefined;
        const choices = quarterChoices(app.clock.now());
        const items = (selected?: string) =>
          choices.map((q, i) => ({
            value: q.key,
            text: q.label,
            selected: selected ? q.key === selected : i === 0,
          }));
        try {
          const report = await buildPartnershipReport(
            app,
            { userId: user!.id, agencyId: user!.agencyId },
            actorOf(user!, req),
            { to: wanted },
          );
          return reply.page("reporting/views/partnership.njk", {
            title: "Partnership report",
            report,
            quarterItems: items(report.quarters[report.quarters.length - 1].key),
          });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return reply.page(
            "reporting/views/partnership.njk",
            {
              title: "Partnership report",
              report: null,
              quarterItems: items(),
              errors: e.fields.map((f) => ({ text: f.message, href: `#${f.field}` })),
              byField: Object.fromEntries(e.fields.map((f) => [f.field, f.message])),
            },
            400,
          );
        }
      },
    }),
  ];
}
